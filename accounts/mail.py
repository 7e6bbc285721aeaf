"""The invitation e-mail."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string


def send_invitation(invitation, link):
    context = {"link": link, "invitation": invitation, "days": settings.INVITATION_DAYS}
    send_mail(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}You are invited",
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
