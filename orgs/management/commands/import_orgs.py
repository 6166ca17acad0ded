from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from orgs.importer import import_orgs


class Command(BaseCommand):
    help = "Import an organisation tree from .xlsx or .csv (all or nothing; re-importing changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        report = import_orgs(path.read_bytes(), path.name)
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(f"共 {len(report.errors)} 处错误，未导入任何数据")
        r = report.result
        self.stdout.write(f"导入完成：新增 {r.created} 个，更名 {r.renamed} 个，未变 {r.unchanged} 个")
