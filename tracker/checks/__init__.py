"""Django system checks for the settings read in dvdtracker/settings.py (and dvdtracker/env.py): a bad value is a
`manage.py check` error naming the variable, not a crash at request time. TrackerConfig.ready() imports this
package, which registers every check below."""

from tracker.checks.accounts import check_account_mail, check_account_settings
from tracker.checks.deployment import check_deployment_basics, check_production_settings
from tracker.checks.integrations import check_integration_settings
from tracker.checks.values import is_whole_number

__all__ = [
    "check_account_mail",
    "check_account_settings",
    "check_deployment_basics",
    "check_integration_settings",
    "check_production_settings",
    "is_whole_number",
]
