"""/api/v1/imports/: upload a file, follow the job, read its rows, run its next phase or delete it.

Thin on purpose: the upload form, the job's phases and its claims are tracker.collection_io's."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, parsers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.pagination import Pages
from api.schema import error
from api.serializers_io import ImportJobSerializer, ImportRowSerializer, ImportUploadSerializer
from tracker.collection_io import jobs
from tracker.forms_io import ImportUploadForm
from tracker.models.imports import ImportJob, ImportStatus


@extend_schema_view(
    list=extend_schema(summary="Your import jobs, newest first"),
    retrieve=extend_schema(summary="One import job: its status and progress"),
    create=extend_schema(
        summary="Upload a file to import: a job whose rows wait to be checked (run it next)",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportJobSerializer},
    ),
    destroy=extend_schema(
        summary="Cancel an import: delete the job (nothing in your collection changes)",
        responses={204: None, 409: error("A phase is running; wait for it to end.")},
    ),
)
class ImportJobViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ImportJobSerializer
    pagination_class = Pages
    # The upload is the one body any of these operations reads.
    parser_classes = [parsers.MultiPartParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ImportJob.objects.none()
        return ImportJob.objects.for_user(self.request.user)

    def create(self, request, *args, **kwargs):
        # The import page's form: the same size limit and the same messages for a file it cannot read.
        form = ImportUploadForm(data={}, files=request.FILES)
        if not form.is_valid():
            raise exceptions.ValidationError({name: list(errors) for name, errors in form.errors.items()})
        job = jobs.store_job(request.user, form.cleaned_data["file"].name, form.parsed)
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        job = self.get_object()
        if not ImportJob.objects.delete_unless_running(job.pk):
            return Response({"detail": "This import is running; wait for it to end before deleting it."}, status=409)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="The job's rows: what was read, matched, planned and done", responses=ImportRowSerializer(many=True)
    )
    @action(detail=True, methods=["get"])
    def rows(self, request, pk=None):
        rows = self.paginate_queryset(self.get_object().rows.order_by("line"))
        return self.get_paginated_response(ImportRowSerializer(rows, many=True).data)

    @extend_schema(
        summary="Run the job's next phase: check the rows (parsed), or import them (after review); "
        "resumes a phase that stopped",
        request=None,
        responses={
            200: ImportJobSerializer,
            409: error("Nothing to run: the job is running, or done."),
            503: error("The task queue could not be reached; try again in a moment."),
        },
    )
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        job = self.get_object()
        # After the review, running means importing (the page's "Import" button, then its run request).
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.REVIEW).update(status=ImportStatus.QUEUED, done=0)
        started = jobs.start_phase(job)
        job.refresh_from_db()
        if not started:
            if job.failure:
                return Response({"detail": job.failure}, status=503)
            return Response({"detail": f"Nothing to run: this import is “{job.get_status_display()}”."}, status=409)
        return Response(ImportJobSerializer(job).data)
