"""The list page's rows, built in Python: 24 `{% include %}`s a page cost more than the rest of the
request together (`make bench`, figure 5). The markup is the templates' it replaced, escaped by format_html."""

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

register = template.Library()


def poster(dvd, size):
    if dvd.safe_poster_url:
        return format_html(
            '<img src="{}" alt="Poster of {}" class="poster {}" loading="lazy">', dvd.safe_poster_url, dvd.name, size
        )
    return format_html(
        '<div class="poster poster-placeholder {}" role="img" aria-label="No poster">'
        '<i class="bi bi-film" aria-hidden="true"></i></div>',
        size,
    )


def badges(dvd):
    """Format, watched/disposed and "torrents available" badges, all from stored columns (no YTS call)."""
    # Grouped by film (?group=film), a row shows every copy's format.
    copies = getattr(dvd, "film_copies", None) or [dvd]
    parts = [
        format_html(
            '<span class="badge badge-format badge-format-{}">{}{}</span>',
            copy.disk_type,
            copy.get_disk_type_display(),
            f" {copy.edition}" if copy.edition else "",
        )
        for copy in copies
    ]
    if len(copies) > 1:
        parts.append(format_html('<span class="badge text-bg-light border">{} copies</span>', len(copies)))
    if getattr(dvd, "lent_to", None):
        parts.append(
            format_html(
                '<span class="badge text-bg-danger">On loan to {} since {}</span>',
                dvd.lent_to,
                date_format(dvd.lent_on, "j M Y"),
            )
        )
    if dvd.is_unwatched:
        parts.append(format_html('<span class="badge text-bg-warning">{}</span>', "Unwatched"))
    if dvd.status == "disposed":
        parts.append(format_html('<span class="badge text-bg-secondary">{}</span>', "Disposed"))
    if dvd.yts_torrent_count:
        parts.append(
            format_html(
                '<span class="badge text-bg-success" title="Torrents listed on YTS">'
                '<i class="bi bi-download" aria-hidden="true"></i> {}'
                '<span class="visually-hidden"> torrents available</span></span>',
                dvd.yts_torrent_count,
            )
        )
    return format_html_join("\n", "{}", ((part,) for part in parts))


@register.simple_tag
def dvd_badges(dvd):
    return badges(dvd)


@register.simple_tag
def dvd_poster(dvd, size):
    return poster(dvd, size)


@register.simple_tag
def dvd_card(dvd):
    """One DVD in the grid view."""
    separator = " · " if dvd.release_year and dvd.director else ""
    return format_html(
        '<li class="col"><article class="card h-100 shadow-sm dvd-card">{}'
        '<div class="card-body p-2">'
        '<h2 class="h6 card-title mb-1"><a class="stretched-link text-decoration-none" href="{}">{}</a></h2>'
        '<p class="small text-body-secondary mb-2">{}{}{}</p>'
        '<div class="d-flex flex-wrap gap-1">{}</div>'
        "</div></article></li>",
        poster(dvd, "poster-fill card-img-top"),
        dvd.get_absolute_url(),
        dvd.name,
        dvd.release_year or "",
        separator,
        dvd.director,
        badges(dvd),
    )


@register.simple_tag
def dvd_row(dvd):
    """One DVD in the list view."""
    year = format_html(' <span class="text-body-secondary">({})</span>', dvd.release_year) if dvd.release_year else ""
    director = format_html("{} · ", dvd.director) if dvd.director else ""
    box = format_html(" · Box {}", dvd.storage_box) if dvd.storage_box else ""
    return format_html(
        '<li class="list-group-item d-flex gap-3 align-items-center">{}'
        '<div class="flex-grow-1 min-w-0">'
        '<a class="fw-semibold text-decoration-none" href="{}">{}</a>{}'
        '<div class="small text-body-secondary">{}{}{}</div></div>'
        '<div class="d-flex flex-wrap gap-1 justify-content-end">{}</div></li>',
        poster(dvd, "poster-sm"),
        dvd.get_absolute_url(),
        dvd.name,
        year,
        director,
        dvd.get_media_type_display(),
        box,
        badges(dvd),
    )


@register.simple_tag
def filter_select(field):
    """A filter <select> with its options; the one matching the query string is selected."""
    current = str(field.value() or "")
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if str(value) == current else "", label) for value, label in field.field.choices),
    )
    return format_html(
        '<label class="form-label small mb-1" for="{}">{}</label>'
        '<select class="form-select" name="{}" id="{}">{}</select>',
        field.id_for_label,
        field.label,
        field.html_name,
        field.id_for_label,
        options,
    )
