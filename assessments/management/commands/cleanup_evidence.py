from django.core.management.base import BaseCommand

from assessments.services import evidence_cleanup


class Command(BaseCommand):
    help = (
        "Remove evidence files that no row refers to, once older than EVIDENCE_CLEANUP_GRACE_SECONDS "
        "(the job the periodic Celery task runs)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"已清理遗留文件 {evidence_cleanup()} 个")
