from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

# Only the account pages this app needs: no e-mail password reset (no mail is configured).
account_urls = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include(account_urls)),
    # /healthz, /readyz and /metrics for load balancers and Prometheus.
    path("", include("tracker.ops.urls")),
    path("", include("tracker.urls")),
]
