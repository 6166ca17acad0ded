from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Plumbing as an app for its management command (``runserver_with_jobs``), the background
    exports (``ExportJob``, their tasks and pages) and their templates."""

    name = "yuxi_campaign.core"
    label = "core"
    verbose_name = _("Plumbing")

    def ready(self) -> None:
        from .stamps import stamps_install

        stamps_install()
