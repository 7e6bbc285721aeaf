"""The list page's filters, search and sorts (tracker.forms.CollectionFilterForm, DVDQuerySet.collection_page),
as django-filter parameters: documented in the schema, and a value that is not one of them is a 400."""

import django_filters

from tracker.forms import CollectionFilterForm
from tracker.models import DVD


def _choices(name):
    return [(value, label) for value, label in CollectionFilterForm.base_fields[name].choices if value]


class DVDFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        max_length=CollectionFilterForm.base_fields["q"].max_length,
        help_text="Search titles and directors (part of the text) or an IMDb id (the whole id).",
    )
    disk_type = django_filters.ChoiceFilter(choices=_choices("disk_type"))
    media_type = django_filters.ChoiceFilter(choices=_choices("media_type"))
    status = django_filters.ChoiceFilter(choices=_choices("status"))
    watched = django_filters.ChoiceFilter(choices=_choices("watched"))
    sort = django_filters.ChoiceFilter(choices=_choices("sort"), help_text="The order; by title when not given.")

    class Meta:
        model = DVD
        fields = []
        # The list page's form underneath: its filters() turns the query string into collection_page's arguments.
        form = CollectionFilterForm

    def filter_queryset(self, queryset):
        # collection_page loads only the list page's columns; the API shows every one but the torrents.
        return queryset.collection_page(**self.form.filters()).defer(None).defer("yts_data")
