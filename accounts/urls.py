"""Sign-in and account pages (django-allauth's, under the names the app's templates use), settings and invitations."""

from allauth.account import views as allauth_views
from django.urls import include, path

from accounts import views

urlpatterns = [
    path("accounts/login/", allauth_views.login, name="login"),
    path("accounts/logout/", allauth_views.logout, name="logout"),
    # Ahead of allauth's own route for it, which fails with a 500 when the provider is down.
    path("accounts/sso/<str:provider_id>/login/", views.sso_login, name="sso_login"),
    path("accounts/invitations/", views.invitations_page, name="invitations"),
    path("accounts/invitations/<int:pk>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("accounts/", include("allauth.urls")),
    path("invite/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("settings/", views.settings_page, name="user_settings"),
    path("settings/delete/", views.delete_account, name="delete_account"),
]

# Pages for visitors who are not signed in (signing in, signing up, resetting a password, accepting an
# invitation, the provider's return), for the test that every other URL refuses anonymous visitors.
PUBLIC_URL_NAMES = {
    "login",
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_email",
    "account_email_verification_sent",
    "account_inactive",
    "account_confirm_login_code",
    "mfa_authenticate",
    "mfa_trust",
    "socialaccount_signup",
    "socialaccount_login_cancelled",
    "socialaccount_login_error",
    "openid_connect_login",
    "openid_connect_callback",
    "sso_login",
    "accept_invitation",
}
