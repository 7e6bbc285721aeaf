from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "DVD collection"

    def ready(self):
        from tracker import checks  # noqa: F401  (registers the settings checks)
        from tracker.ops import celery_hooks  # noqa: F401  (request ids and logging in the workers)
        from tracker.ops import checks as ops_checks  # noqa: F401  (registers the production checks)
