from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Development tools, as an app only for their command (``generate_province``)."""

    name = "devtools"
    verbose_name = "Development tools"
