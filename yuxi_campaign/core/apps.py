from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Plumbing as an app for its management command (``runserver_with_jobs``), the background
    exports (``ExportJob``, their tasks and pages) and their templates."""

    name = "yuxi_campaign.core"
    label = "core"
    verbose_name = "Plumbing"

    def ready(self) -> None:
        from .stamps import stamps_install

        stamps_install()
