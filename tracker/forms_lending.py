"""The forms of loans and of buying a wish-list film."""

from django import forms
from django.conf import settings

from tracker.models import DVD, Loan


def _styled(form):
    for field in form.fields.values():
        widget = field.widget
        if not isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"


class LoanForm(forms.ModelForm):
    class Meta:
        model = Loan
        fields = ["borrower", "lent_on", "due_on", "note"]
        widgets = {
            "lent_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, dvd, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.dvd = dvd
        _styled(self)

    def clean_borrower(self):
        borrower = " ".join(self.cleaned_data["borrower"].split())
        if not borrower:
            raise forms.ValidationError("Say who borrows it.")
        return borrower

    def clean(self):
        cleaned = super().clean()
        dvd = self.instance.dvd
        # The DVD is not a field of this form, so the one-open-loan constraint is checked here.
        open_loan = dvd.loans.open().first()
        if open_loan:
            raise forms.ValidationError(
                f"This DVD is already on loan to {open_loan.borrower} since {open_loan.lent_on:%d %b %Y}: "
                "mark it returned first."
            )
        if dvd.status != DVD.Status.KEPT:
            raise forms.ValidationError("Only a DVD you keep can be lent.")
        return cleaned


class BoughtForm(forms.ModelForm):
    """What "I bought it" asks of a wish-list film: the copy's format, price and store."""

    class Meta:
        model = DVD
        fields = ["disk_type", "edition", "purchase_date", "purchase_price", "purchase_currency", "purchase_store"]
        widgets = {"purchase_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purchase_currency"].required = False
        _styled(self)

    def clean_purchase_currency(self):
        return self.cleaned_data["purchase_currency"].strip().upper() or settings.DEFAULT_CURRENCY

    def save(self, commit=True):
        """The film as a kept copy, writing only these fields and the status."""
        self.instance.status = DVD.Status.KEPT
        self.instance.save(update_fields=[*self._meta.fields, "status", "updated_at"])
        return self.instance
