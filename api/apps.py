from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "REST API"

    def ready(self):
        from api import (
            checks,  # noqa: F401  (registers the API settings check)
            schema,  # noqa: F401  (registers the Bearer token scheme with drf-spectacular)
        )
