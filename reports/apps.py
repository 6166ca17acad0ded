from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """What the organisation department reads: the dashboard, the registers, the exports and the
    printed documents. It reads what ``assessments`` and ``orgs`` wrote and writes only its own
    settings, so it sits above them and nothing below imports it."""

    name = "reports"
    verbose_name = _("Dashboard and documents")

    def ready(self) -> None:
        from .exports import register_sources

        register_sources()  # late, titles as files (yuxi_campaign.core.export_sources)
