"""Exports in the API: ``?format=xlsx`` and ``?format=csv`` on a list (any other format than
``json`` is a 400), the whole filtered scope as one file, or, past EXPORT_INLINE_MAX_ROWS rows, a
background job answered 202 with its status URL; and ``/api/v1/exports/{id}/`` where the job's
owner follows it and downloads the file."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from . import export_jobs, export_sources
from .api import UtcDateTimeField, whole_number
from .exports import CONTENT_TYPES, FORMAT_ERROR, FORMATS, table_response
from .models import ExportJob, ExportStatus
from .schema import errors

XLSX = CONTENT_TYPES["xlsx"]
CSV = "text/csv"
NOT_SOURCE_PARAMS = ("format", "page", "page_size")


class FileRenderer(BaseRenderer):
    """Selects a file format in content negotiation; the view answers the file itself. An answer
    that is not a file (an error, a 202) is switched to JSON before it is rendered."""

    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else JSONRenderer().render(data)


class XlsxRenderer(FileRenderer):
    media_type = XLSX
    format = "xlsx"


class CsvRenderer(FileRenderer):
    media_type = CSV
    format = "csv"


class ExportNegotiation(DefaultContentNegotiation):
    """``?format=`` naming no renderer of the view is a 400 that says which formats there are
    (DRF's own answer is a bare 404)."""

    def filter_renderers(self, renderers, format):
        kept = [renderer for renderer in renderers if renderer.format == format]
        if not kept:
            raise exceptions.ValidationError({"format": [FORMAT_ERROR]})
        return kept


@extend_schema_serializer(many=False)  # one object, on a list's path
class ExportStartedSerializer(serializers.Serializer):
    job = serializers.IntegerField(help_text="the export job's id")
    status = serializers.ChoiceField(choices=ExportStatus.choices)
    status_url = serializers.URLField(help_text="`GET` it for the progress and, once done, the download URL")


class ExportJobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(help_text="rows written, percent of the rows")
    download_url = serializers.SerializerMethodField()
    created_at = UtcDateTimeField()
    finished_at = UtcDateTimeField(allow_null=True)

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "source",
            "format",
            "status",
            "rows_total",
            "rows_done",
            "percent",
            "filename",
            "error",
            "created_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, job) -> str | None:
        if job.status != ExportStatus.DONE:
            return None
        url = reverse("export-download", args=[job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


def _json(request) -> None:
    request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"


def export_answer(request, source: str, params: dict[str, str], fmt: str):
    """The whole of ``source`` for the caller as a file, or past EXPORT_INLINE_MAX_ROWS rows a
    background job (202 with its status URL)."""
    rows = export_sources.open_source(source, request.user, params)
    if rows.total <= export_jobs.inline_max_rows():
        return table_response(rows.as_table(), fmt)
    job = export_jobs.export_job_start(user=request.user, source=source, params=params, fmt=fmt)
    job.refresh_from_db(fields=["status"])  # without a broker it ran already
    status_url = request.build_absolute_uri(reverse("export-detail", args=[job.pk]))
    _json(request)
    body = ExportStartedSerializer({"job": job.pk, "status": job.status, "status_url": status_url}).data
    return Response(body, status=202, headers={"Location": status_url})


FORMAT_PARAMETER = OpenApiParameter(
    "format",
    str,
    enum=["json", *FORMATS],
    description="`xlsx` or `csv`: every row of the filtered list as one file (not a page); "
    "past `EXPORT_INLINE_MAX_ROWS` rows (10,000 by default) a background export (202)",
)


def export_schema(json_response, **kwargs):
    """``extend_schema`` for a list that also answers ``?format=xlsx|csv``."""
    return extend_schema(
        parameters=[FORMAT_PARAMETER, *kwargs.pop("parameters", [])],
        responses={
            (200, "application/json"): json_response,
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="the list as an Excel file"),
            (200, CSV): OpenApiResponse(OpenApiTypes.BINARY, description="the list as CSV, UTF-8 with BOM"),
            (202, "application/json"): OpenApiResponse(
                ExportStartedSerializer, description="too many rows for one request: a background export"
            ),
            # errors are JSON, whatever format was asked for
            **{(code, "application/json"): r for code, r in kwargs.pop("responses", {}).items()},
        },
        **kwargs,
    )


class ExportMixin:
    """For a list viewset: ``export_source`` names its registered source; ``list`` answers the
    file when ``?format=xlsx|csv`` asks for one."""

    export_source = ""
    content_negotiation_class = ExportNegotiation

    def get_renderers(self):
        return [*super().get_renderers(), XlsxRenderer(), CsvRenderer()]

    def export_format(self) -> str | None:
        fmt = getattr(getattr(self.request, "accepted_renderer", None), "format", None)
        return fmt if fmt in FORMATS else None

    def check_paging(self, request) -> None:
        """A file has no pages, but ``page`` and ``page_size`` must still be what the schema
        says (a whole ``page`` from 1, a ``page_size`` from 1 to 1000), or the request is a 400."""
        if self.paginator is None:
            return
        self.paginator.get_page_size(request)
        page = request.query_params.get(self.paginator.page_query_param, "")
        try:
            if page != "" and whole_number(page) < 1:
                raise ValueError(page)
        except ValueError:
            raise exceptions.ValidationError({"page": [self.paginator.invalid_page_message]}) from None

    def export(self, request):
        self.check_paging(request)
        params = {k: v for k, v in request.query_params.items() if k not in NOT_SOURCE_PARAMS}
        return export_answer(request, self.export_source, params, self.export_format())

    def list(self, request, *args, **kwargs):
        if self.export_format():
            return self.export(request)
        return super().list(request, *args, **kwargs)

    def handle_exception(self, exc):
        if self.export_format():
            _json(self.request)  # errors are JSON, whatever format was asked for
        return super().handle_exception(exc)


DOWNLOAD = "the finished export's file, in the format it was asked for"


class ExportJobViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A background export, for the user who started it (anyone else: 404)."""

    serializer_class = ExportJobSerializer
    queryset = ExportJob.objects.none()  # for the schema

    def get_object(self):
        return export_jobs.export_job_get_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(
        responses={
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description=DOWNLOAD),
            (200, CSV): OpenApiResponse(OpenApiTypes.BINARY, description=DOWNLOAD),
            **{(code, "application/json"): r for code, r in errors(409).items()},
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        return export_jobs.export_job_file_response(self.get_object())
