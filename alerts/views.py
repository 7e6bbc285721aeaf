"""The Upgrades page, the alerts inbox, and the notification settings (channels, feed, digest)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from alerts import background, counts, crypto
from alerts.forms import AlertSettingsForm, ChannelForm
from alerts.models import AlertSettings, Channel, Notification, upgradable_dvds, upgrade_counts_by_quality
from tracker import quality

PAGE_SIZE = 30


@require_safe
def upgrades_page(request):
    by_quality = upgrade_counts_by_quality(request.user)
    wanted = quality.lines(request.GET.get("quality", ""))
    if wanted not in by_quality:
        wanted = 0
    page = Paginator(upgradable_dvds(request.user, wanted), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "wanted": quality.name(wanted),
        "filters": [(quality.name(lines), n) for lines, n in sorted(by_quality.items(), reverse=True)],
        "total": sum(by_quality.values()),
    }
    return render(request, "alerts/upgrades.html", context)


@require_safe
def notifications_page(request):
    rows = Notification.objects.for_user(request.user).select_related("dvd")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "alerts/inbox.html", {"page": page, "unread": rows.unread().count()})


@require_POST
def mark_read(request, pk):
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    Notification.objects.filter(pk=notification.pk).mark_read()
    counts.forget(request.user.pk)
    return redirect("notifications")


@require_POST
def mark_all_read(request):
    marked = Notification.objects.for_user(request.user).mark_read()
    counts.forget(request.user.pk)
    messages.success(request, f"Marked {marked} alert{'s' if marked != 1 else ''} as read.")
    return redirect("notifications")


def _settings_context(request, form=None, channel_form=None, feed_url=None):
    alert_settings = AlertSettings.of(request.user)
    return {
        "form": form or AlertSettingsForm(instance=alert_settings),
        "channel_form": channel_form or ChannelForm(user=request.user),
        "channels": Channel.objects.filter(user=request.user),
        "alert_settings": alert_settings,
        "feed_url": feed_url,
        "channels_available": crypto.is_configured(),
        "time_zone": timezone.get_current_timezone_name(),
    }


@require_http_methods(["GET", "POST"])
def settings_page(request):
    form = None
    if request.method == "POST":
        form = AlertSettingsForm(request.POST, instance=AlertSettings.of(request.user))
        if form.is_valid():
            alert_settings = form.save(commit=False)
            # Digest hours are in the zone these pages are shown in (chosen in your settings, or the browser's).
            alert_settings.time_zone = timezone.get_current_timezone_name()
            alert_settings.save()
            messages.success(request, "Saved how your alerts are sent.")
            return redirect("alert_settings")
    return render(request, "alerts/settings.html", _settings_context(request, form=form))


@require_POST
def add_channel(request):
    channel_form = ChannelForm(request.POST, user=request.user)
    if channel_form.is_valid():
        channel = channel_form.save()
        messages.success(request, f"Added {channel.url_masked}. Send a test to check it works.")
        return redirect("alert_settings")
    return render(request, "alerts/settings.html", _settings_context(request, channel_form=channel_form), status=400)


@require_POST
def delete_channel(request, pk):
    channel = get_object_or_404(Channel, user=request.user, pk=pk)
    channel.delete()
    messages.success(request, f"Removed {channel.url_masked}.")
    return redirect("alert_settings")


@require_POST
def test_channel(request, pk):
    channel = get_object_or_404(Channel, user=request.user, pk=pk)
    transaction.on_commit(lambda: background.test_soon(channel.pk))
    messages.info(request, "Sending a test message. Reload this page in a moment to see how it went.")
    return redirect("alert_settings")


@require_POST
def new_feed(request):
    alert_settings = AlertSettings.of(request.user)
    token = alert_settings.new_feed_token()
    feed_url = request.build_absolute_uri(reverse("alert_feed", args=[token]))
    # Shown once, on this answer: only the token's digest is kept.
    return render(request, "alerts/settings.html", _settings_context(request, feed_url=feed_url))


@require_POST
def revoke_feed(request):
    AlertSettings.of(request.user).revoke_feed()
    messages.success(request, "Your feed URL no longer works.")
    return redirect("alert_settings")
