"""``manage.py bench_writes [--year 2024]``: median ms of a sheet save and a transition in this
database, as one line of JSON (the benchmark runs it against the demo database)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandParser

from devtools.bench.writes import writes_ms


class Command(BaseCommand):
    help = "Time a sheet save and a transition in this database (rolled back); print JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=2024)

    def handle(self, *args, **options) -> None:
        self.stdout.write(json.dumps(writes_ms(year=options["year"])))
