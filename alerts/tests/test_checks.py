"""`manage.py check` names a bad alerts setting instead of failing later."""

from alerts.checks import check_alert_encryption_key, check_alert_settings


def ids(settings_problems):
    return sorted(problem.id for problem in settings_problems)


def test_good_settings_pass(settings):
    """The test settings (a generated key, the defaults) raise nothing."""
    assert check_alert_settings(None) == []


def test_each_bad_setting_is_named(settings):
    """A key that is not a Fernet key, a non-boolean, a bad cron, a bad site URL and a bad maximum are each reported."""
    settings.NOTIFY_ENCRYPTION_KEY = ["not-a-key"]
    settings.NOTIFY_ALLOW_PRIVATE_TARGETS = "maybe"
    settings.NOTIFY_SEND_CRON = "every ten minutes"
    settings.NOTIFY_SITE_URL = "dvds.example.org"
    settings.NOTIFY_MAX_CHANNELS = 0
    problems = check_alert_settings(None)
    assert ids(problems) == ["alerts.E001", "alerts.E002", "alerts.E003", "alerts.E004", "alerts.E005"]
    assert "NOTIFY_ENCRYPTION_KEY (key 1)" in problems[0].msg


def test_the_deploy_check_mentions_a_missing_key(settings):
    """Off DEBUG without a key, `check --deploy` says push and e-mail are off (the feed works)."""
    settings.DEBUG = False
    settings.NOTIFY_ENCRYPTION_KEY = []
    assert ids(check_alert_encryption_key(None)) == ["alerts.I006"]
