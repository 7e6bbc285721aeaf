"""Import jobs and their rows as the API shows them (tracker.models.imports)."""

from rest_framework import serializers

from tracker.models.imports import ImportJob, ImportRow


class ImportJobSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    percent = serializers.IntegerField(read_only=True)
    running = serializers.BooleanField(source="is_running", read_only=True, help_text="A phase is under way.")
    stale = serializers.BooleanField(
        source="is_stale", read_only=True, help_text="The running phase stopped answering: run it again to resume."
    )
    waiting = serializers.BooleanField(
        source="is_waiting", read_only=True, help_text="A phase waits to be run (POST …/run/)."
    )

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "filename",
            "kind",
            "source",
            "status",
            "status_label",
            "total",
            "done",
            "percent",
            "running",
            "stale",
            "waiting",
            "failure",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ImportRowSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(read_only=True, help_text="create, duplicate, error or skip; empty until planned.")
    outcome = serializers.CharField(
        read_only=True, help_text="created, duplicate, error or skipped; empty until imported."
    )

    class Meta:
        model = ImportRow
        fields = [
            "id",
            "line",
            "values",
            "problems",
            "warnings",
            "matched",
            "candidates",
            "choice",
            "plan",
            "plan_message",
            "outcome",
            "outcome_message",
            "dvd",
        ]
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="A CSV (this app's export, CLZ Movies or Letterboxd), a plain-text list of titles, "
        "or a JSON backup from this app."
    )
