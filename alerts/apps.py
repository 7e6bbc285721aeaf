import logging

from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Upgrade alerts"

    def ready(self):
        from alerts import checks  # noqa: F401  (registers the settings checks)

        # Apprise logs the URLs it could not read, secrets and all: its records stay with alerts.targets,
        # which keeps them per thread for the person who sent them and logs a scrubbed reason itself.
        logging.getLogger("apprise").propagate = False  # it has its own NullHandler
