"""The sign-in form under the page's own field names, the settings form and the leave form."""

import zoneinfo
from functools import cache

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.conf import settings

from accounts.models import UserSettings
from accounts.preferences import stored_qualities


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form, posted as `username` and `password` like the page always was."""

    def add_prefix(self, field_name):
        return super().add_prefix("username" if field_name == "login" else field_name)

    def clean(self):
        if settings.OIDC_ONLY is True:
            raise forms.ValidationError(
                f"Password sign-in is turned off here: sign in with {settings.OIDC_PROVIDER_NAME}."
            )
        return super().clean()


@cache
def _zone_choices():
    return [("", "My browser's time zone"), *((name, name) for name in sorted(zoneinfo.available_timezones()))]


class UserSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(required=False, label="Time zone", choices=())
    torrent_qualities = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Torrent qualities to show",
        help_text="None ticked: every quality this site keeps.",
    )

    class Meta:
        model = UserSettings
        fields = ["time_zone", "list_view", "list_sort", "currency", "torrent_qualities"]
        labels = {"list_view": "Collection layout", "list_sort": "Collection order", "currency": "Currency"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = _zone_choices()
        self.fields["time_zone"].help_text = UserSettings._meta.get_field("time_zone").help_text
        qualities = stored_qualities()
        # A quality chosen earlier that the site no longer keeps stays listed, so it can be unticked.
        kept = [q for q in (self.instance.torrent_qualities or []) if q not in qualities]
        self.fields["torrent_qualities"].choices = [(q, q) for q in [*qualities, *kept]]


class DeleteAccountForm(forms.Form):
    """The password (checked by the view, through django-axes) confirms the owner is at the keyboard."""

    password = forms.CharField(
        label="Your password", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    confirm = forms.BooleanField(label="I have downloaded what I want to keep; delete my account and my collection.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            # Signed up through the provider: allauth's re-authentication (with the provider) stands in.
            del self.fields["password"]


class InvitationForm(forms.Form):
    email = forms.EmailField(required=False, label="E-mail (optional)", help_text="The link is also sent there.")
    note = forms.CharField(required=False, max_length=100, label="Who it is for (optional)")
