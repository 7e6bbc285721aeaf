"""Receivers: each user's settings are ready in the cache from the moment they sign in."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts import preferences


@receiver(user_logged_in, dispatch_uid="accounts_preferences_on_login")
def _load_preferences(sender, request, user, **kwargs):
    preferences.forget(user.pk)
    preferences.for_user(user)
