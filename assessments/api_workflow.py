"""The workflow's REST endpoints (SPEC §5). Each write is an input serializer and one service
call; each read goes through a selector that applies scope."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.viewsets import ViewSet

from orgs.models import Level
from orgs.selectors import org_get_for_user
from yuxi_campaign.core.api import Pagination, decimal_str
from yuxi_campaign.core.errors import InvalidInput, OutOfScope

from . import notifications, policy, selectors, services
from .models import Assessment, Event, Evidence, Notification, Objection, Outcome, Round, Stage, State, Target


def assessment_row(a: Assessment, user, now) -> dict:
    return {
        "id": a.pk,
        "org": a.org_id,
        "org_code": a.org.code,
        "org_name": a.org.name,
        "level": a.org.level,
        "round": a.round_id,
        "year": a.round.year,
        "target": a.target,
        "state": a.state,
        "version": a.version,
        "self_total": decimal_str(a.self_total),
        "review_total": decimal_str(a.review_total),
        "recheck_total": decimal_str(a.recheck_total),
        "final_score": decimal_str(a.final_score),
        "veto_failed": a.veto_failed,
        "outcome": a.outcome or None,
        "notice_ends_at": a.notice_ends_at,
        "rectify_deadline": a.rectify_deadline,
        "allowed_actions": policy.allowed_actions(
            user, a, now=now, has_pending_objection=getattr(a, "has_pending_objection", False)
        ),
    }


class AssessmentSerializer(serializers.Serializer):
    """Documentation of the assessment representation."""

    id = serializers.IntegerField()
    org = serializers.IntegerField()
    org_code = serializers.CharField()
    org_name = serializers.CharField()
    level = serializers.ChoiceField(choices=Level.choices)
    round = serializers.IntegerField()
    year = serializers.IntegerField()
    target = serializers.ChoiceField(choices=Target.choices)
    state = serializers.ChoiceField(choices=State.choices)
    version = serializers.IntegerField()
    self_total = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    review_total = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    recheck_total = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    final_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    veto_failed = serializers.BooleanField()
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_null=True)
    notice_ends_at = serializers.DateTimeField(allow_null=True)
    rectify_deadline = serializers.DateField(allow_null=True)
    allowed_actions = serializers.ListField(child=serializers.ChoiceField(choices=policy.ACTIONS))


class DeclareSerializer(serializers.Serializer):
    org = serializers.IntegerField()
    round = serializers.IntegerField()
    target = serializers.ChoiceField(choices=Target.choices)


class ScoreRowSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=5, decimal_places=1)
    comment = serializers.CharField(required=False, allow_blank=True)
    veto_passed = serializers.BooleanField(required=False, allow_null=True)


class SheetSaveSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    scores = ScoreRowSerializer(many=True)


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=policy.ACTIONS)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    deadline = serializers.DateField(required=False, allow_null=True)


class BulkTransitionSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=500)
    action = serializers.ChoiceField(choices=policy.ACTIONS)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    deadline = serializers.DateField(required=False, allow_null=True)


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    indicator = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    download = serializers.CharField()


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    action = serializers.CharField()
    actor = serializers.CharField(allow_null=True)
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    reason = serializers.CharField()
    data = serializers.JSONField()


def _evidence_row(e: Evidence) -> dict:
    return {
        "id": e.pk,
        "indicator": e.indicator_id,
        "original_name": e.original_name,
        "content_type": e.content_type,
        "size": e.size,
        "uploaded_at": e.uploaded_at,
        "download": f"/api/v1/assessments/{e.assessment_id}/evidence/{e.pk}/download/",
    }


def _int_param(params, name: str) -> int | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    if not raw.isdigit():
        raise InvalidInput(f"{name} 应为整数", fields={name: [f"{name} 应为整数"]})
    return int(raw)


def _choice_param(params, name: str, choices) -> str | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    if raw not in choices:
        raise InvalidInput(
            f"{name} 无效：可选 {', '.join(choices)}", fields={name: [f"可选 {', '.join(choices)}"]}
        )
    return raw


LIST_PARAMS = [
    OpenApiParameter("round", int),
    OpenApiParameter("year", int),
    OpenApiParameter("level", str, enum=Level.values),
    OpenApiParameter("state", str, enum=State.values),
    OpenApiParameter("target", str, enum=Target.values),
    OpenApiParameter("within", int, description="this unit and everything below it"),
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int),
]


class AssessmentViewSet(ViewSet):
    queryset = Assessment.objects.none()  # schema only
    serializer_class = AssessmentSerializer

    def _paginate(self, request, rows):
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator, page

    @extend_schema(parameters=LIST_PARAMS, responses=AssessmentSerializer(many=True))
    def list(self, request):
        # Queries: count + one page (org, parent, round and set joined; pending objections as EXISTS).
        params = request.query_params
        qs = selectors.assessments_for_user(request.user)
        if (value := _int_param(params, "round")) is not None:
            qs = qs.filter(round_id=value)
        if (value := _int_param(params, "year")) is not None:
            qs = qs.filter(round__year=value)
        if value := _choice_param(params, "level", Level.values):
            qs = qs.filter(org__level=value)
        if value := _choice_param(params, "state", State.values):
            qs = qs.filter(state=value)
        if value := _choice_param(params, "target", Target.values):
            qs = qs.filter(target=value)
        if (value := _int_param(params, "within")) is not None:
            qs = qs.filter(**selectors.within_filter(value))
        qs = selectors.with_detail(qs).order_by("-round__year", "org__tree_id", "org__lft", "target")
        paginator, page = self._paginate(request, qs)
        now = timezone.now()
        return paginator.get_paginated_response([assessment_row(a, request.user, now) for a in page])

    @extend_schema(responses=AssessmentSerializer)
    def retrieve(self, request, pk=None):
        a = selectors.assessment_get_for_user(request.user, pk)
        return Response(assessment_row(a, request.user, timezone.now()))

    @extend_schema(request=DeclareSerializer, responses={201: AssessmentSerializer})
    def create(self, request):
        data = DeclareSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        org = org_get_for_user(request.user, data.validated_data["org"])
        round_ = Round.objects.filter(pk=data.validated_data["round"]).first()
        if round_ is None:
            raise InvalidInput("评估轮次不存在", fields={"round": ["评估轮次不存在"]})
        a = services.assessment_declare(
            org=org, round=round_, target=data.validated_data["target"], actor=request.user
        )
        a = selectors.assessment_get_for_user(request.user, a.pk)
        return Response(assessment_row(a, request.user, timezone.now()), status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        responses=inline_serializer(
            "ScoreRow",
            {
                "indicator": serializers.IntegerField(),
                "score": serializers.DecimalField(max_digits=5, decimal_places=1),
                "comment": serializers.CharField(),
                "veto_passed": serializers.BooleanField(allow_null=True),
            },
            many=True,
        ),
    )
    @extend_schema(
        methods=["PUT"],
        request=SheetSaveSerializer,
        responses=inline_serializer(
            "SheetSaved",
            {
                "version": serializers.IntegerField(),
                "stage": serializers.CharField(),
                "total": serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True),
            },
        ),
    )
    @action(detail=True, methods=["get", "put"], url_path=r"scores/(?P<stage>[a-z]+)")
    def scores(self, request, pk=None, stage=None):
        a = selectors.assessment_get_for_user(request.user, pk)
        if stage not in Stage.values:
            raise OutOfScope(f"没有“{stage}”评分表：可选 self、review、recheck")
        if request.method == "PUT":
            body = request.data if isinstance(request.data, dict) else {}
            a = services.scores_save(
                assessment_id=a.pk,
                stage=stage,
                actor=request.user,
                version=body.get("version"),
                rows=body.get("scores"),
            )
            total = {"self": a.self_total, "review": a.review_total, "recheck": a.recheck_total}[stage]
            return Response(
                {
                    "version": a.version,
                    "stage": stage,
                    "total": total,
                    "final_score": decimal_str(a.final_score),
                    "outcome": a.outcome or None,
                }
            )
        rows = (
            a.scores.filter(stage=stage)
            .order_by("indicator__order")
            .values("indicator_id", "score", "comment", "veto_passed")
        )
        return Response(
            [
                {
                    "indicator": r["indicator_id"],
                    "score": r["score"],
                    "comment": r["comment"],
                    "veto_passed": r["veto_passed"],
                }
                for r in rows
            ]
        )

    @extend_schema(methods=["GET"], responses=EvidenceSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request={
            "multipart/form-data": inline_serializer(
                "EvidenceUpload", {"indicator": serializers.IntegerField(), "file": serializers.FileField()}
            )
        },
        responses={201: EvidenceSerializer},
    )
    @action(detail=True, methods=["get", "post"], url_path="evidence")
    def evidence(self, request, pk=None):
        a = selectors.assessment_get_for_user(request.user, pk)
        if request.method == "POST":
            e = services.evidence_add(
                assessment_id=a.pk,
                indicator_id=request.data.get("indicator"),
                upload=request.FILES.get("file"),
                actor=request.user,
            )
            return Response(_evidence_row(e), status=status.HTTP_201_CREATED)
        return Response([_evidence_row(e) for e in a.evidence.all()])

    @extend_schema(responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"evidence/(?P<eid>\d+)")
    def evidence_delete(self, request, pk=None, eid=None):
        a = selectors.assessment_get_for_user(request.user, pk)
        services.evidence_delete(assessment_id=a.pk, evidence_id=eid, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"evidence/(?P<eid>\d+)/download")
    def evidence_download(self, request, pk=None, eid=None):
        a = selectors.assessment_get_for_user(request.user, pk)
        return selectors.evidence_file_response(a, eid)

    @extend_schema(request=TransitionSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def transitions(self, request, pk=None):
        a = selectors.assessment_get_for_user(request.user, pk)
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.assessment_transition(assessment_id=a.pk, actor=request.user, **data.validated_data)
        a = selectors.assessment_get_for_user(request.user, a.pk)
        return Response(assessment_row(a, request.user, timezone.now()))

    @extend_schema(
        request=BulkTransitionSerializer,
        responses=inline_serializer(
            "BulkResult",
            {
                "results": inline_serializer(
                    "BulkRow",
                    {
                        "id": serializers.IntegerField(),
                        "ok": serializers.BooleanField(),
                        "state": serializers.CharField(required=False),
                        "status": serializers.IntegerField(required=False),
                        "detail": serializers.CharField(required=False),
                    },
                    many=True,
                )
            },
        ),
    )
    @action(detail=False, methods=["post"], url_path="bulk-transitions")
    def bulk_transitions(self, request):
        data = BulkTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        results = services.assessment_bulk_transition(
            ids=values["ids"],
            action=values["action"],
            actor=request.user,
            reason=values.get("reason", ""),
            deadline=values.get("deadline"),
        )
        results = [{k: v for k, v in vars(r).items() if v is not None} for r in results]
        return Response({"results": results})

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        a = selectors.assessment_get_for_user(request.user, pk)
        rows = Event.objects.filter(assessment=a).select_related("actor").order_by("at", "pk")
        return Response(
            [
                {
                    "id": e.pk,
                    "at": e.at,
                    "action": e.action,
                    "actor": e.actor.username if e.actor else None,
                    "from_state": e.from_state,
                    "to_state": e.to_state,
                    "reason": e.reason,
                    "data": e.data,
                }
                for e in rows
            ]
        )


# ---------------------------------------------------------------------------------------------
# Public notices and objections


class ObjectionThrottle(ScopedRateThrottle):
    scope_attr = "throttle_scope"

    def allow_request(self, request, view):
        if request.method != "POST":
            return True
        return super().allow_request(request, view)


class NoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    org_code = serializers.CharField()
    org_name = serializers.CharField()
    path = serializers.CharField()
    level = serializers.CharField()
    year = serializers.IntegerField()
    target = serializers.CharField()
    final_score = serializers.DecimalField(max_digits=6, decimal_places=2)
    notice_started_at = serializers.DateTimeField()
    notice_ends_at = serializers.DateTimeField()


class ObjectionInSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=2000)
    contact = serializers.CharField(max_length=100, required=False, allow_blank=True)


def client_ip(request) -> str | None:
    """The caller's address as the throttle sees it (X-Forwarded-For only from trusted proxies)."""
    ident = ObjectionThrottle().get_ident(request)
    return ident.split(",")[-1].strip() or None


class NoticeViewSet(ViewSet):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ObjectionThrottle]
    throttle_scope = "objection"
    serializer_class = NoticeSerializer
    queryset = Assessment.objects.none()

    @extend_schema(responses=NoticeSerializer(many=True), parameters=[OpenApiParameter("page", int)])
    def list(self, request):
        # Queries: count + one page (unit, its township and county joined).
        qs = selectors.notices()
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response([notice_row(a) for a in page])

    @extend_schema(
        request=ObjectionInSerializer,
        responses={
            201: inline_serializer(
                "ObjectionReceived", {"id": serializers.IntegerField(), "detail": serializers.CharField()}
            )
        },
    )
    @action(detail=True, methods=["post"])
    def objections(self, request, pk=None):
        data = ObjectionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = services.objection_submit(
            assessment_id=pk,
            content=data.validated_data["content"],
            contact=data.validated_data.get("contact", ""),
            ip_address=client_ip(request),
        )
        return Response(
            {"id": objection.pk, "detail": "异议已收到，上级党组织将在公示期内核实处理"},
            status=status.HTTP_201_CREATED,
        )


def notice_row(a: Assessment) -> dict:
    org = a.org
    path = "".join(u.name for u in (org.county, org.township, org.village) if u is not None) + org.name
    return {
        "id": a.pk,
        "org_code": org.code,
        "org_name": org.name,
        "path": path,
        "level": org.level,
        "year": a.round.year,
        "target": a.target,
        "final_score": decimal_str(a.final_score),
        "notice_started_at": a.notice_started_at,
        "notice_ends_at": a.notice_ends_at,
    }


class ObjectionDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["upheld", "dismissed"])
    reason = serializers.CharField(max_length=1000)


class ObjectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    assessment = serializers.IntegerField()
    org_name = serializers.CharField()
    content = serializers.CharField()
    contact = serializers.CharField()
    created_at = serializers.DateTimeField()
    status = serializers.CharField()
    decision_reason = serializers.CharField()


def objection_row(o: Objection) -> dict:
    return {
        "id": o.pk,
        "assessment": o.assessment_id,
        "org_name": o.assessment.org.name,
        "content": o.content,
        "contact": o.contact,
        "created_at": o.created_at,
        "status": o.status,
        "decision_reason": o.decision_reason,
    }


class ObjectionViewSet(ViewSet):
    serializer_class = ObjectionSerializer
    queryset = Objection.objects.none()

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=["pending", "upheld", "dismissed"])],
        responses=ObjectionSerializer(many=True),
    )
    def list(self, request):
        qs = (
            Objection.objects.filter(assessment__in=selectors.assessments_for_user(request.user))
            .select_related("assessment__org")
            .order_by("-created_at")
        )
        if value := _choice_param(request.query_params, "status", ["pending", "upheld", "dismissed"]):
            qs = qs.filter(status=value)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response([objection_row(o) for o in page])

    @extend_schema(request=ObjectionDecisionSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None):
        objection = Objection.objects.filter(
            pk=pk if str(pk).isdigit() else -1, assessment__in=selectors.assessments_for_user(request.user)
        ).first()
        if objection is None:
            raise OutOfScope("未找到该异议，或不在您的权限范围内")
        data = ObjectionDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = services.objection_decide(
            objection_id=objection.pk, actor=request.user, **data.validated_data
        )
        objection = Objection.objects.select_related("assessment__org").get(pk=objection.pk)
        return Response(objection_row(objection))


# ---------------------------------------------------------------------------------------------
# Results, rankings, progress, notifications


class ResultSerializer(serializers.Serializer):
    assessment = serializers.IntegerField()
    org = serializers.IntegerField()
    org_code = serializers.CharField()
    org_name = serializers.CharField()
    level = serializers.CharField()
    year = serializers.IntegerField()
    target = serializers.CharField()
    final_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    outcome = serializers.CharField(allow_null=True)
    state = serializers.CharField()
    title = serializers.CharField(allow_null=True)
    title_status = serializers.CharField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)


RESULT_PARAMS = [
    OpenApiParameter("year", int),
    OpenApiParameter("level", str, enum=Level.values),
    OpenApiParameter("within", int),
    OpenApiParameter("target", str, enum=Target.values),
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int),
]


def _result_filters(params) -> dict:
    return {
        "year": _int_param(params, "year"),
        "level": _choice_param(params, "level", Level.values),
        "within": _int_param(params, "within"),
        "target": _choice_param(params, "target", Target.values),
    }


class ResultViewSet(ViewSet):
    serializer_class = ResultSerializer
    queryset = Assessment.objects.none()

    @extend_schema(
        parameters=[*RESULT_PARAMS, OpenApiParameter("outcome", str, enum=Outcome.values)],
        responses=ResultSerializer(many=True),
    )
    def list(self, request):
        # Queries: count + one page, ranks computed by a window function in the same query.
        filters = _result_filters(request.query_params)
        outcome = _choice_param(request.query_params, "outcome", Outcome.values)
        rows = selectors.results_for_user(request.user, outcome=outcome, **filters).order_by(
            "-year", "org__tree_id", "org__lft", "target"
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response([selectors.result_row(r) for r in page])


class RankingViewSet(ViewSet):
    serializer_class = ResultSerializer
    queryset = Assessment.objects.none()

    @extend_schema(parameters=RESULT_PARAMS, responses=ResultSerializer(many=True))
    def list(self, request):
        filters = _result_filters(request.query_params)
        rows = (
            selectors.results_for_user(request.user, **filters)
            .filter(final_score__isnull=False)
            .order_by("-year", "level", "target", "rank", "org_code")
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response([selectors.result_row(r) for r in page])


class ProgressViewSet(ViewSet):
    queryset = Assessment.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("org", int, description="defaults to the caller's unit"),
            OpenApiParameter("year", int, description="defaults to the latest round"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def list(self, request):
        params = request.query_params
        org_id = _int_param(params, "org") or request.user.org_id
        if org_id is None:
            raise InvalidInput("请指定 org", fields={"org": ["请指定单位 id"]})
        org = org_get_for_user(request.user, org_id)
        year = _int_param(params, "year")
        if year is None:
            year = Round.objects.order_by("-year").values_list("year", flat=True).first()
        if year is None or not Round.objects.filter(year=year).exists():
            raise InvalidInput(f"没有 {year} 年度的评估轮次", fields={"year": ["没有该年度的轮次"]})
        return Response(selectors.progress_for(org, year))


class NotificationViewSet(ViewSet):
    queryset = Notification.objects.none()

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool), OpenApiParameter("page", int)],
        responses=inline_serializer(
            "Notification",
            {
                "id": serializers.IntegerField(),
                "kind": serializers.CharField(),
                "message": serializers.CharField(),
                "assessment": serializers.IntegerField(allow_null=True),
                "created_at": serializers.DateTimeField(),
                "read": serializers.BooleanField(),
            },
            many=True,
        ),
    )
    def list(self, request):
        qs = Notification.objects.filter(user=request.user).order_by("-created_at", "-pk")
        if request.query_params.get("unread") in ("1", "true"):
            qs = qs.filter(read_at__isnull=True)
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(
            [
                {
                    "id": n.pk,
                    "kind": n.kind,
                    "message": n.message,
                    "assessment": n.assessment_id,
                    "created_at": n.created_at,
                    "read": n.read_at is not None,
                }
                for n in page
            ]
        )

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "Read", {"id": serializers.IntegerField(), "read": serializers.BooleanField()}
            )
        },
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        n = notifications.notification_mark_read(notification_id=pk, user=request.user)
        return Response({"id": n.pk, "read": True})
