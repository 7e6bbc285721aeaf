from django.core.management.base import BaseCommand

from alerts import delivery


class Command(BaseCommand):
    help = (
        "Send the alerts that are due: digests at each person's hour, and retries of failed sends. "
        "Run it from cron every few minutes on the embedded default (Celery beat does it with a broker)."
    )

    def handle(self, *args, **options):
        outcomes = delivery.send_due()
        sent = sum(1 for outcome in outcomes.values() if outcome == delivery.SENT)
        failed = sum(1 for outcome in outcomes.values() if outcome == delivery.FAILED)
        self.stdout.write(f"Sent to {sent} channel(s); {failed} failed and will be retried.")
