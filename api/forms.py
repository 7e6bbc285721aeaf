from django import forms

from api.models import ApiToken

# Enough for every script of a household; a runaway loop cannot fill the table.
MAX_ACTIVE_TOKENS = 50


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "scope"]
        widgets = {"scope": forms.RadioSelect}
        help_texts = {"scope": "A read-only token can look, never change: give scripts the least they need."}
        error_messages = {"name": {"required": "Name the token after what will use it."}}

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.fields["name"].widget.attrs.update({"class": "form-control", "maxlength": 100})

    def clean(self):
        if ApiToken.objects.for_user(self.owner).active().count() >= MAX_ACTIVE_TOKENS:
            raise forms.ValidationError(f"You have {MAX_ACTIVE_TOKENS} tokens. Revoke one you no longer use first.")
        return super().clean()

    def save(self, commit=True):
        data = self.cleaned_data
        token, self.raw_token = ApiToken.objects.issue(self.owner, data["name"], data["scope"])
        return token
