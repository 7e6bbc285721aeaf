from django import forms
from django.conf import settings

from alerts import crypto, targets
from alerts.models import AlertSettings, Channel, Frequency


class AlertSettingsForm(forms.ModelForm):
    class Meta:
        model = AlertSettings
        fields = ["frequency", "digest_hour", "digest_weekday"]
        widgets = {"frequency": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["frequency"].choices = Frequency.choices  # no empty choice: a radio is always set


class ChannelForm(forms.Form):
    """One Apprise URL: refused with Apprise's reason when it cannot be read, or when it points inside our network."""

    label = forms.CharField(max_length=60, required=False, help_text="A name for it, e.g. “Phone (ntfy)”.")
    url = forms.CharField(
        label="Apprise URL",
        max_length=1000,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="For example ntfys://ntfy.sh/your-topic, mailtos://user:app-password@gmail.com or "
        "tgram://bot-token/chat-id. Stored encrypted; shown masked.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.masked_url = ""

    def clean_url(self):
        if not crypto.is_configured():
            raise forms.ValidationError("Push and e-mail alerts are off on this server (no NOTIFY_ENCRYPTION_KEY).")
        try:
            url, self.masked_url = targets.validated(self.cleaned_data["url"])
        except targets.TargetRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        return url

    def clean(self):
        cleaned = super().clean()
        if Channel.objects.filter(user=self.user).count() >= settings.NOTIFY_MAX_CHANNELS:
            raise forms.ValidationError(
                f"You can have at most {settings.NOTIFY_MAX_CHANNELS} addresses; remove one first."
            )
        return cleaned

    def save(self):
        channel = Channel(user=self.user, label=self.cleaned_data["label"])
        channel.set_url(self.cleaned_data["url"], self.masked_url)
        channel.save()
        return channel
