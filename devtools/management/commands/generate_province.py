"""``manage.py generate_province [--prefectures CODE,CODE] [--year 2024] [--bench]``: a province-sized
tree and a year of scores, for benchmarks (``make bench`` runs it against its own database)."""

from __future__ import annotations

import os
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.models import Assessment
from devtools.bench.run import PARTS, bench_ratios
from devtools.bench.table import Ratio, ratios_table
from devtools.province.bench import bench_run, bench_table
from devtools.province.generate import province_generate
from orgs.models import Organisation


def _codes(value: str) -> list[str]:
    codes = [code.strip() for code in value.split(",") if code.strip()]
    if not codes:
        raise ValueError("empty list of prefecture codes")
    return codes


def _parts(value: str) -> list[str]:
    parts = [part.strip() for part in value.split(",") if part.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if not parts or unknown:
        raise ValueError(f"parts are {', '.join(PARTS)}")
    return parts


class Command(BaseCommand):
    help = (
        "Generate all of Yunnan (16 prefecture trees, ~164,000 units with generated groups), the "
        "default indicator sets and campaign, and a year of self and review scores for every unit; "
        "idempotent. --bench then times the main read endpoints."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--prefectures",
            type=_codes,
            default=None,
            metavar="CODE[,CODE]",
            help="Only these prefectures (e.g. 530400 for Yuxi); default all 16.",
        )
        parser.add_argument("--year", type=int, default=2024, help="The round to score (default 2024).")
        parser.add_argument(
            "--limit-counties",
            type=int,
            default=None,
            metavar="N",
            help="Only the first N counties of each prefecture (small runs and tests).",
        )
        parser.add_argument(
            "--bench",
            action="store_true",
            help="Time the loads against COPY, then the endpoints, throughput under gunicorn -w 2 and "
            "writes against the demo database, each against a baseline of the same run.",
        )
        parser.add_argument(
            "--fresh",
            action="store_true",
            help="Empty the database first (every table; the schema stays), so that the loads are timed.",
        )
        parser.add_argument("--runs", type=int, default=5, help="Runs per endpoint with --bench (default 5).")
        parser.add_argument(
            "--ratios-only",
            action="store_true",
            help="Generate nothing: time the endpoints, throughput and writes of the province already "
            "in the database (the loads are timed only by a run that loads).",
        )
        parser.add_argument(
            "--parts",
            type=_parts,
            default=None,
            metavar="PART[,PART]",
            help=f"With --bench or --ratios-only, only these parts of the ratios ({', '.join(PARTS)}).",
        )

    def handle(self, *args, **options) -> None:
        year: int = options["year"]
        if options["ratios_only"]:
            if options["fresh"]:
                raise CommandError("--ratios-only times what is loaded: it does not go with --fresh")
            self._ratios(year=year, options=options, load_ratios=[])
            return
        started = time.perf_counter()
        if options["fresh"]:
            self.stdout.write("Emptying the database…")
            call_command("flush", interactive=False, verbosity=0)
        self.stdout.write(f"Generating province data for {year}…")
        try:
            report = province_generate(
                prefectures=options["prefectures"],
                year=year,
                limit_counties=options["limit_counties"],
                log=self.stdout.write,
                bench_loads=options["bench"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Units: {report.units_created:,} new, {report.units_unchanged:,} already there. "
            f"Assessments: {report.assessments:,} new ({report.skipped:,} already there), "
            f"scores: {report.scores:,}, titles: {report.titles:,}."
        )
        self.stdout.write("Phase timings:")
        for phase, seconds in report.timings.items():
            self.stdout.write(f"  {phase:<30} {seconds:8.1f} s")
        self.stdout.write(f"  {'total':<30} {time.perf_counter() - started:8.1f} s")
        for phase, mb in report.peak_mb.items():
            self.stdout.write(f"Peak memory after the {phase} phase: {mb:,.0f} MB (maxrss)")
        if options["bench"]:
            root = report.root_codes[0]
            self._ratios(year=year, options=options, load_ratios=report.load_ratios, root=root)

    def _ratios(self, *, year: int, options: dict, load_ratios: list, root: str | None = None) -> None:
        if root is None:
            roots = Organisation.objects.filter(parent=None).order_by("code")
            root = roots.values_list("code", flat=True).first()
            if root is None or not Assessment.objects.filter(round__year=year).exists():
                raise CommandError(f"nothing to time: no tree or no {year} assessments (load with --bench)")
            load_ratios = [Ratio("loads", None, "COPY", None, note="not timed (--ratios-only)")]
        self.stdout.write(f"\nBenchmark ({options['runs']} runs each, admin of {root}):\n")
        t0 = time.perf_counter()
        rows = bench_run(root_code=root, year=year, runs=options["runs"])
        self.stdout.write(bench_table(rows))
        self.stdout.write("\nRatios, each against a baseline of the same run, timed in turn (medians):\n")
        measured = bench_ratios(root_code=root, year=year, log=self.stderr.write, parts=options["parts"])
        self.stdout.write(ratios_table([*load_ratios, *measured]))
        self.stdout.write(f"\n(bench took {time.perf_counter() - t0:.1f} s on {os.cpu_count()} cores)")
