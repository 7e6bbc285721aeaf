"""Django's error reports (the DEBUG 500 page, the admins' e-mail) without secrets.

Django hides settings and POST fields by name only. A key also sits in frame variables (a URL,
a params dict) and in the messages of chained exceptions (requests names the URL it gave up
on), so the finished report is redacted by value: every configured secret, plus the request's
own session and CSRF cookies and any posted field Django would call sensitive (passwords).
"""

from django.conf import settings
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from tracker.ops.redaction import redact


class RedactingExceptionReporter(ExceptionReporter):
    def get_traceback_html(self):
        return redact(super().get_traceback_html(), self.request_secrets())

    def get_traceback_text(self):
        return redact(super().get_traceback_text(), self.request_secrets())

    def request_secrets(self):
        request = self.request
        if request is None:
            return ()
        cookies = getattr(request, "COOKIES", {})
        secrets = [cookies.get(settings.SESSION_COOKIE_NAME), cookies.get(settings.CSRF_COOKIE_NAME)]
        try:
            posted = list(request.POST.lists())
        except Exception:  # an unreadable body is what some reports are about
            posted = []
        sensitive = SafeExceptionReporterFilter.hidden_settings
        secrets += [value for name, values in posted if sensitive.search(name) for value in values]
        return tuple(secret for secret in secrets if secret)
