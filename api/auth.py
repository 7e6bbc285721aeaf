"""`Authorization: Bearer <token>` for scripts, and what a read-only token may do."""

from rest_framework import authentication, exceptions, permissions

from api.models import ApiToken

READ_ONLY_TOKEN = "This token is read-only. Create a read-and-write token on the API tokens page to make changes."  # noqa: S105 (a message)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """A personal access token. No Authorization header at all falls through to the session."""

    keyword = "Bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the token as `Authorization: Bearer <token>`, nothing else.")
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("That is not a token of this site.") from None
        token = ApiToken.objects.authenticate(raw)
        if token is None:
            raise exceptions.AuthenticationFailed("That token is not valid, or has been revoked.")
        return token.owner, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class TokenScope(permissions.BasePermission):
    """A read-only token reads; writing takes a read-and-write token (or the session)."""

    message = READ_ONLY_TOKEN

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or not isinstance(request.auth, ApiToken):
            return True
        return request.auth.can_write
