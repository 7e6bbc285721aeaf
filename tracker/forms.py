from django import forms

from tracker.models import DVD


class DVDForm(forms.ModelForm):
    poster_url = forms.URLField(label="Poster URL", max_length=500, required=False, assume_scheme="https")
    # The add/edit page groups these under "Your copy" and every other field under "The film".
    COPY_FIELDS = (
        "disk_type", "media_type", "status", "storage_box", "box_set_name", "barcode", "is_unwatched", "is_unopened",
        "notes",
    )  # fmt: skip

    class Meta:
        model = DVD
        fields = [
            "name",
            "release_year",
            "disk_type",
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
        ]
        widgets = {
            "overview": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.owner = owner
        for field in self.fields.values():
            widget = field.widget
            if not isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"

    @property
    def film_fields(self):
        """The fields describing the film, in form order."""
        return [field for field in self if field.name not in self.COPY_FIELDS]

    @property
    def copy_fields(self):
        """The fields describing the owner's copy: inputs, then the tick boxes side by side, then the notes."""

        def place(field):
            return 2 if field.name == "notes" else int(isinstance(field.field.widget, forms.CheckboxInput))

        return sorted((field for field in self if field.name in self.COPY_FIELDS), key=place)

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

    def clean_tmdb_id(self):
        tmdb_id = self.cleaned_data["tmdb_id"]
        # The owner is not a form field, so ModelForm would skip the (owner, tmdb_id) constraint.
        if tmdb_id is not None:
            duplicates = DVD.objects.filter(owner=self.instance.owner, tmdb_id=tmdb_id).exclude(pk=self.instance.pk)
            if duplicates.exists():
                raise forms.ValidationError("This film (same TMDB id) is already in your collection.")
        return tmdb_id


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

    q = forms.CharField(required=False, max_length=100, label="Search")
    disk_type = forms.ChoiceField(required=False, choices=[("", "Any format"), *DVD.DiskType.choices])
    media_type = forms.ChoiceField(required=False, choices=[("", "Any media"), *DVD.MediaType.choices])
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *DVD.Status.choices])
    watched = forms.ChoiceField(required=False, choices=list(WATCHED.items()))
    sort = forms.ChoiceField(required=False, choices=list(SORTS.items()))

    def filters(self):
        """The cleaned values, with the defaults for anything missing or invalid."""
        values = {name: "" for name in self.fields}
        if self.is_valid():
            values.update(self.cleaned_data)
        else:
            values.update({k: v for k, v in self.cleaned_data.items() if k not in self.errors})
        values["sort"] = values["sort"] or "title"
        return values
