from django.core.management.base import BaseCommand

from assessments.services import notices_close_due


class Command(BaseCommand):
    help = "Close every public notice whose period has ended (the job the periodic Celery task runs)."

    def handle(self, *args, **options):
        closed = notices_close_due()
        self.stdout.write(
            f"已结束公示 {len(closed)} 个" + (f"：{', '.join(map(str, closed))}" if closed else "")
        )
