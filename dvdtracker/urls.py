from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

# The admin signs in through the app's own sign-in page, so that lockout and two-factor apply there too.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    # Sign-in, sign-up by invitation, password reset, two-factor, /settings/ (accounts/urls.py).
    path("", include("accounts.urls")),
    # /healthz, /readyz and /metrics for load balancers and Prometheus.
    path("", include("tracker.ops.urls")),
    path("", include("tracker.urls")),
    # Upgrades, the alerts inbox, their settings and feed (alerts/urls.py).
    path("", include("alerts.urls")),
    # The REST API (/api/v1/, its schema and docs) and its tokens page; last, for its JSON 404 under /api/.
    path("", include("api.urls")),
]
