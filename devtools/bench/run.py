"""Everything after the loads, in order; a part that fails is one row saying why."""

from __future__ import annotations

from collections.abc import Callable

from .endpoints import endpoint_ratios
from .table import Ratio
from .throughput import throughput_ratios
from .writes import write_ratios

PARTS = {
    "endpoints": ("endpoints", endpoint_ratios),
    "throughput": ("throughput under gunicorn -w 2", throughput_ratios),
    "writes": ("writes, province vs demo", write_ratios),
}


def bench_ratios(
    *, root_code: str, year: int, log: Callable[[str], object] = print, parts: list[str] | None = None
) -> list[Ratio]:
    rows: list[Ratio] = []
    for key in parts or PARTS:
        name, part = PARTS[key]
        log(f"  bench: {name}…")
        try:
            rows.extend(part(root_code=root_code, year=year) if part is not write_ratios else part(year=year))
        except Exception as exc:  # noqa: BLE001 - reported in the table, the rest still runs
            rows.append(Ratio(name, None, "—", None, note=f"error: {type(exc).__name__}: {exc}"[:160]))
    # The league ranks the counties of one prefecture (or the townships of one county): a
    # province-wide league is not a thing the campaign has, so there is no province row.
    rows.append(
        Ratio(
            "league table, province",
            None,
            "no-op",
            None,
            3,
            note="no province-wide league: counties rank within their prefecture",
        )
    )
    return rows
