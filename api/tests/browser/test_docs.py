"""The API's docs page in a real browser: Swagger UI from static/vendor/ draws every operation of the schema,
under the site's CSP, reaching nothing outside the site (the journey fails on console errors and outside requests)."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCHEMA = yaml.safe_load((Path(settings.BASE_DIR) / "docs" / "openapi.yaml").read_text())


def test_the_docs_page_shows_every_operation_offline(ui, collector):
    """Every path and method of docs/openapi.yaml is on the page; its "Try it out" reads the collection."""
    ui.sign_in(collector, "/api/docs/")
    ui.page.locator(".opblock").first.wait_for()
    shown = {(_method(block), _path(block.locator(".opblock-summary-path").inner_text())) for block in _blocks(ui)}
    assert {(method, path) for path, item in SCHEMA["paths"].items() for method in item} <= shown
    ui.page.locator("#operations-dvds-dvds_list .opblock-summary").click()
    ui.page.get_by_role("button", name="Try it out").click()
    ui.page.get_by_role("button", name="Execute").click()
    status = ui.page.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"
    ui.shot("api-docs")


def _blocks(ui):
    return ui.page.locator(".opblock").all()


def _method(block):
    # Swagger UI marks each operation's block with its method: class="opblock opblock-get …".
    return next(name.removeprefix("opblock-") for name in block.get_attribute("class").split() if name != "opblock")


def _path(text):
    return text.replace("\u200b", "")  # Swagger UI puts zero-width spaces after the slashes
