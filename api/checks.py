"""The API's setting, checked once like the others (tracker/checks/) rather than at request time."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from tracker.checks import is_whole_number


@register(Tags.compatibility)
def check_api_settings(app_configs, **kwargs):
    value = settings.API_RATE_LIMIT_PER_MINUTE
    if is_whole_number(value, 0):
        return []
    return [Error("API_RATE_LIMIT_PER_MINUTE must be a whole number, 0 or more (0: no limit).", id="api.E001")]
