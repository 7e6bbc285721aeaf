"""The OpenAPI schema's shared parts: the error answers every operation can give (with Retry-After on a 429),
the Bearer token scheme, and the links from a created object to its other operations (which schemathesis
follows: create → retrieve → update → delete)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

ERROR = {"$ref": "#/components/schemas/Error"}
BAD_INPUT = {"$ref": "#/components/schemas/ValidationError"}
COMPONENTS = {
    "Error": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ValidationError": {
        "type": "object",
        "description": 'What is wrong with each field (`non_field_errors`: with the whole); or a "detail" '
        "when the body could not be read at all.",
        "properties": {"detail": {"type": "string"}},
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
}
RESPONSE_HEADERS = [
    OpenApiParameter(
        "Retry-After",
        OpenApiTypes.INT,
        OpenApiParameter.HEADER,
        response=[429],
        required=True,
        description="Seconds to wait before trying again.",
    ),
    OpenApiParameter(
        "WWW-Authenticate",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[401],
        required=True,
        description='`Bearer realm="api"`.',
    ),
]


def error(description):
    return OpenApiResponse(ERROR, description=description)


def bad_input(description="Bad input: what is wrong, field by field."):
    return OpenApiResponse(BAD_INPUT, description=description)


class ApiSchema(AutoSchema):
    """Every operation documents the errors it can answer with, in the shapes api.errors gives them."""

    def get_override_parameters(self):
        return [*super().get_override_parameters(), *RESPONSE_HEADERS]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, answer in self._usual_errors().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(answer, code, direction=direction)
        return dict(sorted(responses.items()))

    def _usual_errors(self):
        errors = {
            "401": error("No token or session, or the token is not valid (revoked, malformed, unknown)."),
            "429": error("Over API_RATE_LIMIT_PER_MINUTE requests this minute (per token)."),
        }
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            errors["403"] = error("A read-only token, or a session request without its CSRF token.")
        if "{" in self.path or (self._is_list_view() and self._get_paginator()):
            errors["404"] = error("No such object of yours (another person's is not yours), or no such page.")
        takes_body = self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None
        filtered = self.get_filter_backends() and getattr(self.view, "filterset_class", None)
        if takes_body or filtered:
            errors["400"] = bad_input()
        return errors


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.BearerTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token from Settings → API tokens: read only, or read and write.",
        }


# operationId of the operation that creates → {link name: (operationId, path parameter)}.
LINKS = {
    "dvds_create": {
        "GetDVD": "dvds_retrieve",
        "ReplaceDVD": "dvds_update",
        "ChangeDVD": "dvds_partial_update",
        "DeleteDVD": "dvds_destroy",
        "GetTorrents": "dvds_torrents_list",
        "RefreshDVD": "dvds_refresh_create",
        "FetchImdbId": "dvds_fetch_imdb_create",
    },
    "imports_create": {
        "GetImport": "imports_retrieve",
        "GetImportRows": "imports_rows_list",
        "RunImport": "imports_run_create",
        "DeleteImport": "imports_destroy",
    },
}
# A DVD answers only the fields asked for with ?fields=, so none of them is always there.
OPTIONAL_FIELDS_COMPONENTS = ("DVD",)


def add_links(result, generator, request, public):
    """Postprocessing hook: the error components, links from each 201 to its object's operations, and
    the DVD's fields made optional (?fields=)."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(COMPONENTS)
    operations = {op["operationId"] for item in result["paths"].values() for op in item.values()}
    for item in result["paths"].values():
        for operation in item.values():
            links = LINKS.get(operation["operationId"])
            created = operation["responses"].get("201") if links else None
            if created is None:
                continue
            created["links"] = {
                name: {"operationId": target, "parameters": {"id": "$response.body#/id"}}
                for name, target in links.items()
                if target in operations
            }
    for name in OPTIONAL_FIELDS_COMPONENTS:
        result["components"]["schemas"].get(name, {}).pop("required", None)
    return result
