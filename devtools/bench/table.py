"""One row per measured operation against its baseline, printed as one Markdown table."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

RUNS = 5  # at least five runs of everything: the median is what counts


@dataclass
class Ratio:
    """``measured`` against ``baseline`` (milliseconds, or requests per second when ``per_second``).
    ``target`` is the issue's bound on measured / baseline (or baseline / measured for throughput:
    at least that share), None when the issue sets none; ``note`` replaces the numbers when the
    operation could not be measured."""

    operation: str
    measured: float | None
    baseline_name: str
    baseline: float | None
    target: float | None = None
    per_second: bool = False
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.measured is None or not self.baseline:
            return None
        return self.measured / self.baseline

    @property
    def met(self) -> bool | None:
        if self.target is None or self.ratio is None:
            return None
        return self.ratio >= self.target if self.per_second else self.ratio <= self.target


def median_ms(
    action: Callable[[], object], runs: int = RUNS, *, setup: Callable[[], object] | None = None
) -> float:
    """Median wall time of ``action`` over ``runs`` runs (``setup`` before each, untimed)."""
    times = []
    for _ in range(runs):
        if setup:
            setup()
        t0 = time.perf_counter()
        action()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def interleaved_medians(actions: dict[str, Callable[[], object]], runs: int = RUNS) -> dict[str, float]:
    """Median wall time (ms) of each action, the actions run in turn (a, b, c, a, b, c, …) so
    that a machine busy with something else slows each of them alike, not one more than another."""
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(runs):
        for name, action in actions.items():
            t0 = time.perf_counter()
            action()
            times[name].append((time.perf_counter() - t0) * 1000)
    return {name: statistics.median(ts) for name, ts in times.items()}


def _number(value: float | None, per_second: bool) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f} req/s" if per_second else f"{value:,.1f} ms"


def ratios_table(rows: list[Ratio]) -> str:
    lines = ["| operation | measured | baseline | ratio | target | met? |", "|---|---:|---|---:|---|---|"]
    for r in rows:
        if r.note:
            lines.append(f"| {r.operation} | {r.note} | {r.baseline_name} | — | {_target(r)} | — |")
            continue
        ratio = r.ratio
        shown = (
            "—"
            if ratio is None
            else (f"1/{1 / ratio:,.1f}" if r.per_second and ratio < 1 else f"{ratio:,.2f}×")
        )
        met = {True: "yes", False: "**no**", None: "—"}[r.met]
        baseline = f"{r.baseline_name}: {_number(r.baseline, r.per_second)}"
        measured = _number(r.measured, r.per_second)
        lines.append(f"| {r.operation} | {measured} | {baseline} | {shown} | {_target(r)} | {met} |")
    return "\n".join(lines)


def _target(r: Ratio) -> str:
    if r.target is None:
        return "—"
    return f"≥ 1/{1 / r.target:g}" if r.per_second else f"≤ {r.target:g}×"
