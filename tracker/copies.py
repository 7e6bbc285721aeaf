"""Copies of one film in a collection: a DVD's other copies, the list grouped by film, likely duplicates.

Rows of one owner with the same film (TMDB id, else IMDb id) are copies of that film. A DVD's page
lists its other copies, so a write to one copy retires the stored pages of the others too.
"""

from itertools import groupby

from tracker import page_cache
from tracker.models import DVD

COPY_FIELDS = ("name", "release_year", "disk_type", "edition", "status", "storage_box", "tmdb_id", "imdb_id", "owner")


def other_copies(dvd):
    """The owner's other DVDs of this DVD's film, in the order they were added."""
    if dvd.owner_id is None:
        return DVD.objects.none()
    return DVD.objects.for_user(dvd.owner_id).copies_of(dvd.tmdb_id, dvd.imdb_id).exclude(pk=dvd.pk).order_by("pk")


def attach_copies(dvds, owner):
    """Give each DVD (one per film, from a grouped list page) `film_copies`: every copy of its film, itself
    included. One query for the page."""
    dvds = list(dvds)
    tmdb_ids = {dvd.tmdb_id for dvd in dvds if dvd.tmdb_id}
    imdb_ids = {dvd.imdb_id for dvd in dvds if not dvd.tmdb_id and dvd.imdb_id}
    found = DVD.objects.none()
    if tmdb_ids or imdb_ids:
        found = DVD.objects.for_user(owner).owned().filter(tmdb_id__in=tmdb_ids) | DVD.objects.for_user(
            owner
        ).owned().filter(tmdb_id__isnull=True, imdb_id__in=imdb_ids)
    by_film = {}
    for copy in found.only(*COPY_FIELDS).order_by("pk"):
        by_film.setdefault(_film_of(copy), []).append(copy)
    for dvd in dvds:
        dvd.film_copies = by_film.get(_film_of(dvd)) or [dvd]


def _film_of(dvd):
    if dvd.tmdb_id:
        return ("tmdb", dvd.tmdb_id)
    if dvd.imdb_id:
        return ("imdb", dvd.imdb_id)
    return ("dvd", dvd.pk)


def duplicate_groups(owner):
    """[(first DVD, [its likely duplicates, first included])]: the same film, format and edition."""
    rows = DVD.objects.for_user(owner).likely_duplicates()
    groups = groupby(rows, key=lambda dvd: (dvd.film, dvd.disk_type, dvd.edition_key))
    return [list(group) for _, group in groups]


def copies_written(sender, instance, using, **kwargs):
    """post_save and post_delete receiver for DVD: the pages of the film's other copies list this one."""
    if not page_cache.enabled() or not (instance.tmdb_id or instance.imdb_id):
        return
    siblings = DVD.objects.using(using).filter(owner_id=instance.owner_id)
    rows = siblings.copies_of(instance.tmdb_id, instance.imdb_id).exclude(pk=instance.pk).values_list("pk", "owner_id")
    page_cache.dvds_changed(list(rows), using=using)
