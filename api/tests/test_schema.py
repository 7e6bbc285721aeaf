"""The committed OpenAPI schema (docs/openapi.yaml) is the code's, and the docs page serves it offline."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db
COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"
REGENERATE = ".venv/bin/python manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml"


def test_the_committed_schema_is_the_codes_and_is_valid(tmp_path):
    """The schema generated from the code, validated with warnings as errors, is docs/openapi.yaml byte for byte."""
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(generated))
    assert generated.read_text() == COMMITTED.read_text(), f"The API changed: regenerate the schema with `{REGENERATE}`"


def test_every_operation_documents_its_errors():
    """Each operation names its 401 and 429 (with Retry-After), and writes their 403."""
    schema = yaml.safe_load(COMMITTED.read_text())
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert {"401", "429"} <= set(responses), (method, path)
            assert "Retry-After" in responses["429"]["headers"]
            if method != "get":
                assert "403" in responses, (method, path)


def test_the_schema_is_served_to_a_signed_in_person(signed_in):
    """/api/schema/ answers JSON by default and YAML on request, with every path of the committed file."""
    committed = yaml.safe_load(COMMITTED.read_text())
    served = signed_in.get(reverse("api_schema"))
    assert served["Content-Type"].startswith("application/json")
    assert set(served.json()["paths"]) == set(committed["paths"])
    as_yaml = signed_in.get(reverse("api_schema"), HTTP_ACCEPT="application/yaml")
    assert yaml.safe_load(as_yaml.content)["paths"].keys() == committed["paths"].keys()


def test_the_docs_page_loads_swagger_ui_from_this_site_under_the_csp(signed_in):
    """The docs page's scripts and styles are this site's own files: no CDN, no inline script, the site's CSP."""
    response = signed_in.get(reverse("api_docs"))
    html = response.content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/static/vendor/swagger-ui/swagger-ui.css" in html
    assert "/static/api/docs.js" in html
    assert "<script>" not in html
    assert "cdn" not in html.lower()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    for vendored in ("swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE"):
        assert (Path(settings.BASE_DIR) / "static" / "vendor" / "swagger-ui" / vendored).is_file()
