from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Campaign and assessments")

    def ready(self) -> None:
        from yuxi_campaign.core import tree_hooks

        from .exports import register_sources
        from .rollups import tree_listener

        tree_hooks.register(tree_listener)  # moves and deactivations update the rollup
        register_sources()  # results, rankings, progress as files (yuxi_campaign.core.export_sources)
