from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "DVD collection"

    def ready(self):
        # Imported once the models are loaded, as these modules use them; tracker.checks registers the
        # system checks and celery_hooks gives the workers' logs their request ids by being imported.
        from tracker import checks, copies, lookups, page_cache  # noqa: F401
        from tracker.models import film_changed
        from tracker.ops import celery_hooks  # noqa: F401

        # A saved or deleted DVD retires its stored page and its owner's list pages (both owners' on a change)...
        pre_save.connect(page_cache.dvd_saving, sender="tracker.DVD", dispatch_uid="page_cache_before_save")
        post_save.connect(page_cache.dvd_written, sender="tracker.DVD", dispatch_uid="page_cache_save")
        post_delete.connect(page_cache.dvd_written, sender="tracker.DVD", dispatch_uid="page_cache_delete")
        # ...and those of the film's other copies, whose pages list it.
        post_save.connect(copies.copies_written, sender="tracker.DVD", dispatch_uid="page_cache_copies_save")
        post_delete.connect(copies.copies_written, sender="tracker.DVD", dispatch_uid="page_cache_copies_delete")
        # A DVD given another film's IMDb id fetches that film's torrents once the save is committed.
        film_changed.connect(lookups.refresh_changed_film, dispatch_uid="refresh_changed_film")
