from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonthlyConfig(AppConfig):
    """The city's monthly pressure on counties: on-site observations (现场观摩), the progress
    meeting rota (工作推进会), the league table (擂台比武) and model sites (示范点). Its records are
    its own (they are not assessments of a round), so it stands beside ``assessments``: it reads
    the tree and the pace, and the department's reports read it."""

    name = "monthly"
    verbose_name = _("Monthly rhythm")

    def ready(self) -> None:
        from .exports import register_sources

        register_sources()  # league, observations as files (yuxi_campaign.core.export_sources)
