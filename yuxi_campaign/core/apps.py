from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Plumbing as an app only for its management command (``runserver_with_jobs``)."""

    name = "yuxi_campaign.core"
    label = "core"
    verbose_name = "Plumbing"
