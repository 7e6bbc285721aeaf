"""Forms of the import and export pages."""

from django import forms
from django.conf import settings

from tracker.collection_io.reading import read_upload
from tracker.collection_io.rows import ImportFileError


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="File to import",
        help_text="A CSV (this app's export, CLZ Movies or Letterboxd), a plain-text list of titles "
        "(one a line, optionally “Title (1999)”), or a JSON backup from this app.",
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".csv,.tsv,.txt,.json,.xml,text/*"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Checked before reading: the upload may be far larger than anything we would read.
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1e6:.1f} MB; the most this import takes is "
                f"{settings.IMPORT_MAX_UPLOAD_BYTES / 1e6:.1f} MB. Split it and import the parts one after another."
            )
        try:
            self.parsed = read_upload(upload.name, upload.read())
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


def film_label(title, year):
    return f"{title} ({year})" if year else title


def row_choices(row):
    """A preview row's options: one of its TMDB candidates, the row as typed, or skip."""
    choices = [
        (f"tmdb:{c['tmdb_id']}", f"{film_label(c['title'], c['year'])} · {c['confidence']}%") for c in row.candidates
    ]
    choices += [("typed", "Import as typed (no TMDB match)"), ("skip", "Skip this row")]
    if not row.choice:
        choices.insert(0, ("", "No match chosen"))
    return choices
