from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "DVD collection"

    def ready(self):
        from tracker import checks  # noqa: F401  (registers the settings checks)
