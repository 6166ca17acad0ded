from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessments.rollups import assessment_rollups_differences, assessment_rollups_rebuild
from orgs.rollups import unit_rollups_differences, unit_rollups_rebuild
from orgs.services import lock_tree


class Command(BaseCommand):
    help = (
        "Recompute the totals kept at write time (units, titles and assessments per state, per unit "
        "and level) from scratch; with --check, only compare them and fail naming every row that differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="compare only; exit 1 on any difference")

    def handle(self, *args, check=False, **options):
        if check:
            differences = unit_rollups_differences() + assessment_rollups_differences()
            for line in differences:
                self.stderr.write(line)
            if differences:
                raise CommandError(f"汇总数据与重新计算的结果有 {len(differences)} 行不一致")
            self.stdout.write("汇总数据一致")
            return
        with transaction.atomic():
            lock_tree()  # no structural write meanwhile
            units = unit_rollups_rebuild()
            assessments = assessment_rollups_rebuild()
        self.stdout.write(f"汇总数据已重建：单位 {units} 行，评估与称号 {assessments} 行")
