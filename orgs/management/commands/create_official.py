import os

from django.core.management.base import BaseCommand, CommandError

from orgs.models import Role
from orgs.services import official_save
from yuxi_campaign.core.errors import DomainError


class Command(BaseCommand):
    help = "Create or update an official bound to one unit with one role."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--org", required=True, help="the unit's code, e.g. 530423")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--password", help="or set OFFICIAL_PASSWORD in the environment")

    def handle(self, *args, username, org, role, password, **options):
        password = password or os.environ.get("OFFICIAL_PASSWORD")
        try:
            user, created = official_save(username=username, org_code=org, role=role, password=password)
        except DomainError as exc:
            raise CommandError(exc.detail) from None
        verb = "已创建" if created else "已更新"
        note = "" if password else "（未设置密码，该账号暂不能登录）" if created else ""
        self.stdout.write(
            f"{verb}账号 {user.username}：{user.org.name}，角色 {user.get_role_display()}{note}"
        )
