from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "DVD collection"

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_save

        from tracker import page_cache

        # A saved or deleted DVD retires its stored page and its owner's list pages (both owners' on a change).
        pre_save.connect(page_cache.dvd_saving, sender="tracker.DVD", dispatch_uid="page_cache_before_save")
        post_save.connect(page_cache.dvd_written, sender="tracker.DVD", dispatch_uid="page_cache_save")
        post_delete.connect(page_cache.dvd_written, sender="tracker.DVD", dispatch_uid="page_cache_delete")
        from tracker import copies

        # ...and those of the film's other copies, whose pages list it.
        post_save.connect(copies.copies_written, sender="tracker.DVD", dispatch_uid="page_cache_copies_save")
        post_delete.connect(copies.copies_written, sender="tracker.DVD", dispatch_uid="page_cache_copies_delete")
        from tracker import lookups
        from tracker.models import film_changed

        # A DVD given another film's IMDb id fetches that film's torrents once the save is committed.
        film_changed.connect(lookups.refresh_changed_film, dispatch_uid="refresh_changed_film")
        from tracker import checks  # noqa: F401  (registers the system checks, tracker/checks/)
        from tracker.ops import celery_hooks  # noqa: F401  (request ids and logging in the workers)
