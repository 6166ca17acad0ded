"""The bulk loads against COPY of the same rows into the same tables (same indexes, constraints
and foreign keys), each run in a transaction that is rolled back, load and COPY interleaved."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import connection, models, transaction

from assessments.models import Assessment, Round, Score, Title
from devtools.province.scores import SheetPlan, scores_plan, scores_write
from orgs import loads
from orgs.models import Organisation
from orgs.services import NewOrg, orgs_bulk_load

from .table import RUNS, Ratio

Dump = list[tuple[type[models.Model], list[tuple]]]


def _stored(model: type[models.Model], **filters) -> tuple[type[models.Model], list[tuple]]:
    names = [f.attname for f in model._meta.concrete_fields]
    return model, list(model._default_manager.filter(**filters).order_by("pk").values_list(*names))


def _copy(dump: Dump) -> None:
    for model, rows in dump:
        loads.rows_copy(
            table=model._meta.db_table, columns=[f.column for f in model._meta.concrete_fields], rows=rows
        )


def _rolled_back_ms(action: Callable[[], object], after: Callable[[], object] | None = None):
    """Time ``action`` in a transaction that is rolled back; ``after`` (untimed) sees its rows."""
    seen = None
    with transaction.atomic():
        t0 = time.perf_counter()
        action()
        ms = (time.perf_counter() - t0) * 1000
        if after:
            seen = after()
        transaction.set_rollback(True)
    return ms, seen


def _vacuum(*models_: type[models.Model]) -> None:
    """Rolled-back runs leave dead rows in the tables and their indexes: clear them before the
    real load and the endpoint timings."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:  # VACUUM refuses a transaction
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE " + ", ".join(m._meta.db_table for m in models_))


def _ratio(label: str, load: Callable[[], object], dump: Callable[[], Dump], target: float) -> Ratio:
    floor = "COPY of the same rows" if connection.vendor == "postgresql" else "bulk INSERT of the same rows"
    load_times, copy_times, rows = [], [], None
    for _ in range(RUNS):
        ms, seen = _rolled_back_ms(load, dump if rows is None else None)
        load_times.append(ms)
        rows = rows or seen
        copy_times.append(_rolled_back_ms(lambda rows=rows: _copy(rows))[0])
    count = sum(len(r) for _, r in rows)
    load_times.sort()
    copy_times.sort()
    return Ratio(f"{label} ({count:,} rows)", load_times[RUNS // 2], floor, copy_times[RUNS // 2], target)


def tree_load_ratio(rows: list[NewOrg]) -> Ratio:
    """``orgs_bulk_load`` of ``rows`` (none of them stored yet) vs COPY of the rows it wrote."""
    codes = [r.code for r in rows]
    if Organisation.objects.filter(code__in=codes[:1]).exists():
        return Ratio(
            "tree load", None, "COPY", None, 2, note="not measured: units already stored (run with --fresh)"
        )
    ratio = _ratio(
        "tree load", lambda: orgs_bulk_load(rows=rows), lambda: [_stored(Organisation, code__in=codes)], 2
    )
    _vacuum(Organisation)
    return ratio


def score_load_ratio(
    *, tree_id: int, round: Round, plans: dict[tuple[str, str], SheetPlan], label: str
) -> Ratio:  # noqa: A002
    """Writing a year of scores for one tree (none scored yet; ``scores_write`` of a plan made
    beforehand) vs COPY of the assessments, scores and titles it wrote."""
    if Assessment.objects.filter(round=round, org__tree_id=tree_id).exists():
        return Ratio(
            "score load", None, "COPY", None, 1.3, note="not measured: already scored (run with --fresh)"
        )

    def dump() -> Dump:
        mine = {"round": round, "org__tree_id": tree_id}
        return [
            _stored(Assessment, **mine),
            _stored(Score, assessment__round=round, assessment__org__tree_id=tree_id),
            _stored(Title, **mine),
        ]

    # The sheets are generated (random numbers, totals, outcomes) and numbered before the clock
    # starts, as the COPY's rows are: both sides time writing the same rows.
    planned = scores_plan(tree_id=tree_id, round=round, plans=plans)
    ratio = _ratio(f"score load, {label}", lambda: scores_write(planned), dump, 1.3)
    _vacuum(Assessment, Score, Title)
    return ratio
