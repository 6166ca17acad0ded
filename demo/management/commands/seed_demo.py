import time

from django.core.management.base import BaseCommand

from assessments.services import campaign_install_default
from demo.assessments import seed_assessments
from demo.groups import seed_group_proxy
from demo.history import history_load
from demo.meetings import seed_meetings
from demo.observations import seed_observations
from demo.people import demo_person
from demo.registers import seed_registers
from demo.rounds import round_make_current, seed_extension, seed_late
from demo.sites import seed_sites
from demo.tree import demo_tree_rows
from indicators.services import indicator_sets_install_defaults
from orgs.models import Role, User
from orgs.services import official_save, orgs_bulk_load

DEMO_PASSWORD = "yuxi-demo-2024"
# One login per role: the city's organisation department, and a township with its village.
DEMO_LOGINS = [
    ("admin", "530400", Role.ADMIN, "玉溪市委组织部管理员"),
    ("leader", "530423201", Role.LEADER, "通海县里山彝族乡负责人"),
    ("reviewer", "530423201", Role.REVIEWER, "通海县里山彝族乡评审员"),
    ("operator", "530423201202", Role.OPERATOR, "通海县里山彝族乡大黑冲村填报员（也代小组填报）"),
    ("village_reviewer", "530423201202", Role.REVIEWER, "通海县里山彝族乡大黑冲村评审员（评小组）"),
    ("county_leader", "530423", Role.LEADER, "通海县负责人"),
    ("county_admin", "530423", Role.ADMIN, "通海县委组织部管理员（系统管理限本县）"),
]


class Command(BaseCommand):
    help = (
        "Load the demo: Yuxi's tree with generated groups, indicator sets, the campaign, assessments in "
        "every state, the titles of 2022–2024 and demo logins."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        tree = orgs_bulk_load(rows=demo_tree_rows())
        sets = indicator_sets_install_defaults()
        campaign_install_default()
        round_make_current()  # the current round's windows are open today, whatever the day
        for username, code, role, _label in DEMO_LOGINS:
            name, phone = demo_person(username)
            official_save(
                username=username, org_code=code, role=role, password=DEMO_PASSWORD, name=name, phone=phone
            )
        assessments = seed_assessments() + seed_registers() + seed_late() + seed_group_proxy()
        observations = seed_observations()
        titles = history_load()  # after the others: it leaves their units alone
        sites = seed_sites(User.objects.get(username="admin"))
        seed_extension(User.objects.get(username="admin"))
        meetings = seed_meetings()
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"演示数据就绪（{seconds:.1f} 秒）：新增单位 {tree.created} 个，"
            f"未变 {tree.unchanged} 个；新增指标体系 {sets} 套，新增评估 {assessments} 个，"
            f"新增 2022–2024 年度称号 {titles} 个，"
            f"新增现场观摩 {observations} 次，"
            f"新增示范点 {sites} 个，"
            f"新增推进会 {meetings} 次"
        )
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        names = dict(
            User.objects.filter(username__in=[u for u, *_ in DEMO_LOGINS]).values_list("username", "name")
        )
        for username, _code, role, label in DEMO_LOGINS:
            self.stdout.write(f"  {username:<17} {role:<9} {names.get(username, '')} · {label}")
