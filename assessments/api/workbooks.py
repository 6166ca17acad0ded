"""Score sheets as Excel workbooks in the API (SPEC §5's score sheet, offline):

- ``GET /assessments/{id}/scores/{stage}/`` with ``?format=xlsx`` or ``Accept:`` the xlsx type, and
  ``GET …/scores/{stage}/workbook/``: the sheet to fill in, for whoever may fill it now;
- ``PUT …/scores/{stage}/workbook/`` with the filled workbook as the body (``Content-Type:`` the
  xlsx type): saved through the score sheet service, all or nothing;
- ``GET``/``PUT /assessments/group-workbook/?org=&year=&stage=``: the same for every sheet of a
  unit's groups the caller may fill now, one worksheet each, saved in one transaction.

The JSON answers of the score sheet stay what they were: the workbook renderer is added after the
default ones, for the score sheet's actions only."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import BaseParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from orgs.selectors import org_get_for_user
from yuxi_campaign.core.api import whole_number
from yuxi_campaign.core.errors import NotAllowed, WrongState
from yuxi_campaign.core.export_api import FileRenderer
from yuxi_campaign.core.schema import errors

from .. import policy, services, workbooks
from ..labels import state_zh
from ..models import Assessment, Stage

XLSX = workbooks.XLSX
WORKBOOK_ACTIONS = frozenset({"scores", "scores_workbook", "group_workbook"})


class WorkbookRenderer(FileRenderer):
    media_type = XLSX
    format = "xlsx"


class WorkbookParser(BaseParser):
    """The body as it came: the workbook's bytes (``services.workbook_save`` reads them)."""

    media_type = XLSX

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read() if stream is not None else b""


def wants_workbook(request) -> bool:
    return isinstance(getattr(request, "accepted_renderer", None), WorkbookRenderer)


def _body(request) -> bytes:
    data = request.data
    return data if isinstance(data, bytes) else b""


class SheetSavedWorkbookSerializer(serializers.Serializer):
    worksheet = serializers.CharField(help_text="the worksheet's name in the workbook")
    assessment = serializers.IntegerField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    saved = serializers.BooleanField(help_text="false: the worksheet was as downloaded, nothing saved")
    version = serializers.IntegerField(help_text="the assessment's version now")
    total = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class WorkbookSavedSerializer(serializers.Serializer):
    sheets = SheetSavedWorkbookSerializer(many=True)


def _saved(saved) -> Response:
    rows = [vars(s) for s in saved]
    return Response(WorkbookSavedSerializer({"sheets": rows}).data)


def json_answer(request) -> None:
    request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"


def sheet_download(request, a: Assessment, stage: str):
    """The workbook of one sheet, for whoever may fill it now: 403 for anyone else, 409 while the
    sheet is closed."""
    if not policy.may_score(request.user, stage, a):
        raise NotAllowed(f"您无权填写该单位的{workbooks.stage_zh(stage)}表")
    open_state = policy.sheet_open_state(stage)
    if a.state != open_state:
        raise WrongState(
            f"当前状态为“{state_zh(a.state)}”，{workbooks.stage_zh(stage)}表只能在“{state_zh(open_state)}”状态填写"
        )
    name = workbooks.file_name(a.org.name, a.round.year, stage, f"-{a.get_target_display()}")
    return workbooks.workbook_response(workbooks.workbook_for_sheet(a, stage), name)


def sheet_upload(request, a: Assessment, stage: str):
    json_answer(request)
    saved = services.workbook_save(
        actor=request.user, content=_body(request), expected=workbooks.sheet_expected(a, stage)
    )
    return _saved(saved)


class GroupsQuerySerializer(serializers.Serializer):
    org = serializers.CharField(help_text="the unit whose groups' sheets are wanted (its id)")
    year = serializers.CharField(help_text="the round's year")
    stage = serializers.ChoiceField(choices=Stage.choices, default=Stage.SELF)

    def validate_org(self, value):
        return self._whole(value)

    def validate_year(self, value):
        return self._whole(value)

    @staticmethod
    def _whole(value):
        try:
            return whole_number(value)
        except ValueError:
            raise serializers.ValidationError("应为整数") from None


def _groups_query(request):
    query = GroupsQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    values = query.validated_data
    return org_get_for_user(request.user, values["org"]), values["year"], values["stage"]


def groups_download(request):
    org, year, stage = _groups_query(request)
    rows = workbooks.group_assessments(request.user, org, year, stage)
    if not rows:
        raise WrongState(f"“{org.name}”下属单位 {year} 年没有您现在可以填写的{workbooks.stage_zh(stage)}表")
    name = workbooks.file_name(org.name, year, stage, "-各小组")
    return workbooks.workbook_response(workbooks.workbook_for_groups(rows, stage), name)


def groups_upload(request):
    json_answer(request)
    org, year, stage = _groups_query(request)
    saved = services.workbook_save(
        actor=request.user, content=_body(request), expected=workbooks.groups_expected(org, year, stage)
    )
    return _saved(saved)


# ---------------------------------------------------------------------------------------------
# The schema

WORKBOOK = OpenApiResponse(
    OpenApiTypes.BINARY,
    description="the sheet as an Excel workbook: one worksheet per sheet, indicators with their maxima "
    "and guides, the saved values, validation of the score (0 to the maximum, in steps of 0.5) and "
    "of the veto answer (通过/不通过); only score, veto and comment cells are unlocked; a hidden, "
    "signed worksheet holds the assessment and its version",
)
FILLED = {
    XLSX: {"type": "string", "format": "binary", "description": "the filled workbook, as downloaded here"}
}
REFUSED = {
    (code, "application/json"): response
    for code, response in {
        **errors(400, 403, 404, 409),
    }.items()
}
REFUSED_TEXT = (
    "All or nothing: one bad cell anywhere saves nothing. Every problem is listed in `workbook` with "
    "its worksheet, row and column (400 invalid, also when the file is not such a workbook, its "
    "signed part was altered, or it belongs to another unit or year; 403 a sheet the caller may not "
    "fill; 409 a sheet closed, or saved by someone since the workbook was downloaded, naming the "
    "indicators changed)."
)


def scores_get_schema(json_response):
    return extend_schema(
        methods=["GET"],
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=["json", "xlsx"],
                description="`xlsx` (or `Accept: " + XLSX + "`): the sheet as an Excel workbook to fill in "
                "offline, for whoever may fill it now (403 otherwise, 409 while the sheet is closed)",
            )
        ],
        responses={
            (200, "application/json"): json_response,
            (200, XLSX): WORKBOOK,
            **{(code, "application/json"): r for code, r in errors(403, 409).items()},
        },
    )


def sheet_workbook_schema(view):
    view = extend_schema(
        methods=["GET"],
        responses={(200, XLSX): WORKBOOK, **{(c, "application/json"): r for c, r in errors(409).items()}},
        description="The sheet as an Excel workbook, for whoever may fill it now.",
    )(view)
    return extend_schema(
        methods=["PUT"],
        request=FILLED,
        responses={(200, "application/json"): WorkbookSavedSerializer, **REFUSED},
        description="Save a filled workbook of this sheet (the file as the body). " + REFUSED_TEXT,
    )(view)


GROUP_PARAMETERS = [
    OpenApiParameter("org", int, required=True, description="the unit (a village or community): its id"),
    OpenApiParameter("year", int, required=True, description="the round's year"),
    OpenApiParameter("stage", str, enum=list(Stage.values), description="the sheet, `self` by default"),
]


def groups_workbook_schema(view):
    view = extend_schema(
        methods=["GET"],
        parameters=GROUP_PARAMETERS,
        responses={
            (200, XLSX): WORKBOOK,
            **{(c, "application/json"): r for c, r in errors(400, 404, 409).items()},
        },
        description="Every sheet of the unit's groups that the caller may fill now (policy decides, per "
        "assessment), one worksheet each; 409 when there is none.",
    )(view)
    return extend_schema(
        methods=["PUT"],
        parameters=GROUP_PARAMETERS,
        request=FILLED,
        responses={(200, "application/json"): WorkbookSavedSerializer, **REFUSED},
        description="Save the filled workbook of the groups' sheets in one transaction. " + REFUSED_TEXT,
    )(view)
