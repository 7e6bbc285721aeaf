from django import forms
from django.conf import settings

from tracker.models import DVD, EDITION_SUGGESTIONS, REGION_SUGGESTIONS

# The <datalist> ids the edition and region inputs suggest from (rendered by templates/tracker/dvd_form.html).
SUGGESTIONS = {
    "edition": ("edition-suggestions", EDITION_SUGGESTIONS),
    "region": ("region-suggestions", REGION_SUGGESTIONS),
}


class DVDForm(forms.ModelForm):
    poster_url = forms.URLField(label="Poster URL", max_length=500, required=False, assume_scheme="https")
    # The add/edit page groups these under "Your copy" and every other field under "The film".
    COPY_FIELDS = (
        "disk_type", "owned_quality", "media_type", "status", "edition", "region", "disc_count", "condition",
        "storage_box", "box_set_name", "barcode", "purchase_date", "purchase_price", "purchase_currency",
        "purchase_store", "is_unwatched", "is_unopened", "notes",
    )  # fmt: skip
    # Asked on the add page when the owner already keeps a copy of the film; not a column.
    CONFIRM_FIELD = "another_copy"

    class Meta:
        model = DVD
        fields = [
            "name",
            "release_year",
            "disk_type",
            "owned_quality",
            "media_type",
            "status",
            "storage_box",
            "box_set_name",
            "is_unwatched",
            "is_unopened",
            "imdb_id",
            "tmdb_id",
            "barcode",
            "director",
            "genres",
            "runtime",
            "poster_url",
            "overview",
            "notes",
            "edition",
            "region",
            "disc_count",
            "condition",
            "purchase_date",
            "purchase_price",
            "purchase_currency",
            "purchase_store",
        ]
        widgets = {
            "overview": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "purchase_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "purchase_currency": forms.TextInput(attrs={"maxlength": 3, "autocapitalize": "characters"}),
            **{name: forms.TextInput(attrs={"list": list_id}) for name, (list_id, _) in SUGGESTIONS.items()},
        }

    def __init__(self, *args, owner, ask_before_another_copy=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.owner = owner
        self.suggestions = [(list_id, values) for list_id, values in SUGGESTIONS.values()]
        self.fields["purchase_currency"].required = False
        if ask_before_another_copy:
            self.fields[self.CONFIRM_FIELD] = forms.BooleanField(required=False, label="Yes, add another copy")
        for field in self.fields.values():
            widget = field.widget
            if not isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"

    @property
    def film_fields(self):
        """The fields describing the film, in form order."""
        return [field for field in self if field.name not in (*self.COPY_FIELDS, self.CONFIRM_FIELD)]

    @property
    def copy_fields(self):
        """The fields describing the owner's copy: inputs, then the tick boxes side by side, then the notes."""

        def place(field):
            return 2 if field.name == "notes" else int(isinstance(field.field.widget, forms.CheckboxInput))

        return sorted((field for field in self if field.name in self.COPY_FIELDS), key=place)

    @property
    def another_copy_field(self):
        """The "add another copy" tick box, once the add page has asked (or it was ticked); else None."""
        if self.CONFIRM_FIELD not in self.fields:
            return None
        field = self[self.CONFIRM_FIELD]
        return field if field.errors or (self.is_bound and field.value()) else None

    def kept_copies(self, tmdb_id, imdb_id):
        """The owner's kept DVDs of the film this form describes (none for an edit)."""
        if self.instance.pk is not None:
            return DVD.objects.none()
        return DVD.objects.for_user(self.instance.owner).filter(status=DVD.Status.KEPT).copies_of(tmdb_id, imdb_id)

    def clean(self):
        cleaned = super().clean()
        if self.CONFIRM_FIELD in self.fields and not cleaned.get(self.CONFIRM_FIELD):
            copies = list(self.kept_copies(cleaned.get("tmdb_id"), cleaned.get("imdb_id", "")).order_by("pk"))
            if copies and cleaned.get("status") != DVD.Status.WISHLIST:
                self.add_error(self.CONFIRM_FIELD, already_owned_question(copies))
        return cleaned

    def save(self, commit=True):
        """Create, or write only this form's fields: torrents stored by a refresh meanwhile are kept."""
        if self.instance.pk is None or not commit:
            return super().save(commit)
        self.instance.save(update_fields=[*self._meta.fields, "updated_at"])
        return self.instance

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter the film's title.")
        return name

    def clean_imdb_id(self):
        # People paste ids from IMDb URLs in any case, with spaces around them.
        return self.cleaned_data["imdb_id"].strip().lower()

    def clean_barcode(self):
        # Barcodes are often typed with the spaces and dashes printed under the bars.
        return "".join(ch for ch in self.cleaned_data["barcode"] if ch not in " -")

    def clean_purchase_currency(self):
        # "eur " is what people type for EUR; left empty, it is the site's currency.
        return self.cleaned_data["purchase_currency"].strip().upper() or settings.DEFAULT_CURRENCY


def describe_copy(dvd):
    """A copy as the question names it: "Blu-ray Steelbook in box B2"."""
    words = " ".join(filter(None, [dvd.get_disk_type_display(), dvd.edition]))
    return f"{words} in box {dvd.storage_box}" if dvd.storage_box else words


def already_owned_question(copies):
    return f"You already own {copies[0].name}: {'; '.join(map(describe_copy, copies))}. Add another copy?"


class CollectionFilterForm(forms.Form):
    """The list page's query string; an invalid value falls back to its default."""

    SORTS = {
        "title": "Title (A–Z)",
        "-title": "Title (Z–A)",
        "-year": "Newest release",
        "year": "Oldest release",
        "-added": "Recently added",
        "added": "First added",
    }
    WATCHED = {"": "Watched or not", "unwatched": "Unwatched", "watched": "Watched"}
    LOANS = {"": "Home or lent", "on_loan": "On loan", "home": "At home"}
    GROUPS = {"": "Each copy", "film": "One row per film"}

    q = forms.CharField(required=False, max_length=100, label="Search")
    disk_type = forms.ChoiceField(required=False, choices=[("", "Any format"), *DVD.DiskType.choices])
    media_type = forms.ChoiceField(required=False, choices=[("", "Any media"), *DVD.MediaType.choices])
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *DVD.Status.choices])
    watched = forms.ChoiceField(required=False, choices=list(WATCHED.items()))
    loan = forms.ChoiceField(required=False, choices=list(LOANS.items()))
    sort = forms.ChoiceField(required=False, choices=list(SORTS.items()))
    group = forms.ChoiceField(required=False, choices=list(GROUPS.items()), label="Copies")

    def filters(self):
        """The cleaned values, with the defaults for anything missing or invalid."""
        values = {name: "" for name in self.fields}
        if self.is_valid():
            values.update(self.cleaned_data)
        else:
            values.update({k: v for k, v in self.cleaned_data.items() if k not in self.errors})
        values["sort"] = values["sort"] or "title"
        return values
