from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data, as an app for its command (``seed_demo``). It depends on every other app, so
    it is installed after them."""

    name = "demo"
    verbose_name = _("Demo data")
