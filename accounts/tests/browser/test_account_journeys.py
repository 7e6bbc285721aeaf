"""Account journeys in a real browser: accept an invitation, reset a forgotten password, turn on two-factor."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail

from accounts.models import Invitation
from tracker.tests.factories import UserFactory

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a brand new passphrase"
RESET_LINK = re.compile(r"https?://[^\s]+/accounts/password/reset/key/[^\s]+/")


def current_code(secret):
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_accept_an_invitation(ui, db):
    """Follow an invitation link, choose a username and password, and land in an empty collection."""
    staff = UserFactory(username="host", is_staff=True)
    _, token = Invitation.issue(staff, note="Robin")
    page = ui.page
    ui.goto(f"/invite/{token}/")
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    ui.shot("1-sign-up")
    page.get_by_label("Username").fill("robin")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label(re.compile(r"Password \(again\)")).fill(NEW_PASSWORD)
    page.get_by_role("button", name=re.compile("Sign Up", re.IGNORECASE)).click()
    expect(page.get_by_text("Your collection is empty")).to_be_visible()
    ui.shot("2-collection")
    assert Invitation.objects.get().used_by.username == "robin"


def test_reset_a_forgotten_password(ui, db):
    """From the sign-in page, ask for a reset, follow the e-mailed link, set a new password and sign in."""
    UserFactory(username="sam", email="sam@example.org")
    page = ui.page
    ui.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label(re.compile("E-?mail", re.IGNORECASE)).fill("sam@example.org")
    ui.shot("1-ask")
    page.get_by_role("button", name=re.compile("Reset", re.IGNORECASE)).click()
    expect(page.get_by_role("heading", name=re.compile("Password Reset", re.IGNORECASE))).to_be_visible()
    link = RESET_LINK.search(mail.outbox[-1].body).group(0)
    page.goto(ui.url(re.sub(r"^https?://[^/]+", "", link)))
    page.get_by_label("New Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label(re.compile(r"New Password \(again\)")).fill(NEW_PASSWORD)
    ui.shot("2-new-password")
    page.get_by_role("button", name=re.compile("Change Password", re.IGNORECASE)).click()
    expect(page.get_by_text(re.compile("password is now changed", re.IGNORECASE))).to_be_visible()
    ui.goto("/accounts/login/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Your collection is empty")).to_be_visible()


def test_turn_on_two_factor_and_sign_in_with_a_code(ui, collector, settings):
    """From the settings page, scan-free: type the app's code, see recovery codes, then sign in with a code."""
    settings.MFA_TOTP_TOLERANCE = 1  # a code typed as the 30-second step turns over still counts
    page = ui.page
    ui.sign_in(collector)
    ui.open_menu()
    page.get_by_role("link", name=re.compile(f"{collector.username}.*settings")).click()
    expect(page).to_have_url(re.compile(r"/settings/$"))
    ui.shot("0-settings")
    page.get_by_role("link", name="Two-factor sign-in").click()
    page.get_by_role("link", name=re.compile("Activate", re.IGNORECASE)).click()
    page.get_by_label("Password").fill("correct horse battery staple")  # allauth asks again before adding it
    page.get_by_role("button", name="Confirm").click()
    secret = page.locator("#authenticator_secret").input_value()
    ui.shot("1-activate")
    page.get_by_label("Authenticator code").fill(current_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text(re.compile("Recovery codes", re.IGNORECASE)).first).to_be_visible()
    ui.shot("2-recovery-codes")

    ui.sign_out()
    page.get_by_label("Username").fill(collector.username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    ui.shot("3-code")
    page.get_by_label(re.compile("code", re.IGNORECASE)).fill(current_code(secret))
    page.get_by_role("button", name=re.compile("Sign In", re.IGNORECASE)).click()
    expect(page.get_by_text("Your collection is empty")).to_be_visible()


def test_account_pages_have_no_serious_accessibility_violations(ui, db):
    """The settings, leave, invitations, two-factor, sign-up and reset pages pass axe-core."""
    staff = UserFactory(username="host", is_staff=True)
    _, token = Invitation.issue(staff)
    found = {}
    ui.goto(f"/invite/{token}/")  # the sign-up form, open through the invitation
    found["sign-up"] = ui.axe_violations()
    ui.goto("/accounts/password/reset/")
    found["reset"] = ui.axe_violations()
    ui.sign_in(staff)
    for path in ("/settings/", "/settings/delete/", "/accounts/invitations/", "/accounts/2fa/", "/accounts/email/"):
        ui.goto(path)
        found[path] = ui.axe_violations()
    problems = {name: [f"{v['impact']} {v['id']}: {v['help']}" for v in found[name]] for name in found if found[name]}
    assert not problems, problems
