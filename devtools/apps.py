from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevtoolsConfig(AppConfig):
    """Development tools, as an app only for their command (``generate_province``)."""

    name = "devtools"
    verbose_name = _("Development tools")
