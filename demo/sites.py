"""The demo's model sites (示范点): fourteen units across the Yuxi counties, of all six kinds, with
the highlights of the newspaper report where it names them, and generated photos (a gradient
with the unit's name drawn on it). Made through the same services as the pages; idempotent."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from monthly import services
from monthly.models import ModelSite, SiteKind
from orgs.models import Organisation, User

FONT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
)

# (unit: a code, or (parent code, name or kind of the child)), kind, status, highlight, description,
# photo captions
DEMO_SITES: list[tuple] = [
    (
        ("530427001003", "财富广场小区"),
        "居民小区",
        "accepted",
        "红色物业破解办证难，上访小区变和谐小区",
        "2020年10月小区成立党支部，迅速组建业主委员会，依法依规引进物业公司并建立红色物业；整合住建部门、"
        "开发商、业主签订三方协议，通过司法协调让业主顺利拿到产权证。如今环境整洁、秩序井然、邻里和谐。",
        ("小区党支部与红色物业服务站", "整治后的小区停车秩序"),
    ),
    (
        ("530423201202", "下打马坎村民小组"),
        "村民小组",
        "accepted",
        "易地搬迁新村，人均收入六年翻一番",
        "2018年实施易地扶贫搬迁，2021年春节前全部搬迁入住。巩固烤烟和蔬菜产业，发展中药材和林果业，"
        "39户村民人均可支配收入由7600元增长到1.83万元。",
        ("搬迁后的新村全景", "房前屋后花红柳绿"),
    ),
    (
        "530427200206",
        "村",
        "accepted",
        "村办公司日产8000菌包，7天完成百亩流转",
        "村党总支组建村办公司，创建菌种培育、种植、销售、科普为一体的示范基地；为企业流转土地，"
        "从确定合作到流转完成只用了7天。",
        ("菌包生产线",),
    ),
    (
        "530427202",
        "乡镇（街道）",
        "accepted",
        "七村抱团飞地发展，7元起步到700万资产",
        "打破行政村区划，采取“党建引领+飞地抱团”“村党支部+土地合作社”模式，7个村（社区）以7元注册资本"
        "成立七兴农业发展有限公司，两年间拥有700万元固定资产。",
        ("七兴公司育苗基地", "绿色种养循环农业服务队"),
    ),
    (
        "530427001003",
        "社区",
        "building",
        "小区党支部+业委会+物业，矛盾不出社区",
        "社区党委推动小区党支部、业主委员会、物业公司三方联动，把党的组织优势转化为基层治理优势。",
        ("社区党群服务中心",),
    ),
    (
        "530423",
        "县级示范片区",
        "building",
        "连片打造里山彝乡乡村振兴示范片区",
        "以里山彝族乡为核心，串联大黑冲村等村组，统筹产业、人才、文化、生态、组织五个振兴。",
        ("示范片区规划展示",),
    ),
    (
        "530402001",
        "乡镇（街道）",
        "accepted",
        "街道大工委统筹驻区单位，共驻共建",
        "建立街道“大工委”、社区“大党委”，驻区单位认领服务项目，资源下沉到小区。",
        ("街道党群服务中心",),
    ),
    (
        "530402001001",
        "社区",
        "accepted",
        "“15分钟服务圈”，居民办事不出社区",
        "整合社区服务阵地，设置一站式便民服务窗口，党员志愿者常态化开展帮办代办。",
        ("一站式便民服务大厅",),
    ),
    (
        "530403001201",
        "村",
        "building",
        "党支部领办合作社，壮大村集体经济",
        "村党支部领办蔬菜种植专业合作社，统一品种、统一技术、统一销售，带动群众增收。",
        ("合作社蔬菜基地",),
    ),
    (
        "530481001001",
        "社区",
        "accepted",
        "网格党建全覆盖，民情一网收集",
        "划分网格、建强网格党小组，党员包户联系群众，民情民意在网格内收集、在社区内解决。",
        ("网格员入户走访",),
    ),
    (
        ("530424001207", "村民小组"),
        "村民小组",
        "building",
        "“积分超市”激发村民自治活力",
        "小组党小组推行人居环境积分制，村民以积分兑换生活用品，户户参与环境整治。",
        ("积分超市",),
    ),
    (
        ("530425001001", "居民小区"),
        "居民小区",
        "accepted",
        "楼栋长+党员中心户，老旧小区焕新颜",
        "小区党支部选配楼栋长和党员中心户，推动老旧小区改造，建成居民议事厅和健身场地。",
        ("改造后的小区院落",),
    ),
    (
        "530426",
        "县级示范片区",
        "accepted",
        "彝乡党建示范带，串点成线连片提升",
        "沿交通干线串联各乡镇示范村组，打造彝族文化与基层党建融合的示范带。",
        ("示范带沿线村容",),
    ),
    (
        "530428002202",
        "村",
        "building",
        "党建引领芒果产业，山坡变成致富园",
        "村党总支带领群众发展芒果种植，建立“党支部+企业+农户”利益联结机制。",
        ("芒果种植园",),
    ),
]


def _unit(ref) -> Organisation | None:
    if isinstance(ref, str):
        return Organisation.objects.filter(code=ref).first()
    parent_code, what = ref
    children = Organisation.objects.filter(parent__code=parent_code).order_by("code")
    return children.filter(name=what).first() or children.filter(kind=what).first()


def _font(size: int):
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return None


def demo_photo(title: str, caption: str, *, seed: int = 0) -> bytes:
    """A real JPEG: a two-colour gradient with the unit's name and the caption drawn on it."""
    width, height = 960, 630
    hue = (sum(map(ord, title)) + seed * 37) % 360
    top = Image.new("RGB", (width, height), _colour(hue, 0.55))
    bottom = Image.new("RGB", (width, height), _colour((hue + 40) % 360, 0.3))
    mask = Image.linear_gradient("L").resize((width, height))
    image = Image.composite(bottom, top, mask)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height - 170, width, height), fill=(0, 0, 0))
    big, small = _font(64), _font(36)
    if big is not None:
        draw.text((40, height - 150), title, font=big, fill=(255, 255, 255))
        draw.text((40, height - 70), caption, font=small, fill=(235, 235, 235))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _colour(hue: int, light: float) -> tuple[int, int, int]:
    import colorsys

    r, g, b = colorsys.hls_to_rgb(hue / 360, light, 0.55)
    return round(r * 255), round(g * 255), round(b * 255)


def seed_sites(actor: User) -> int:
    """Designate the demo sites that do not exist yet, with their photos; how many were added."""
    services.site_kinds_install_defaults()
    kinds = {k.name: k for k in SiteKind.objects.all()}
    added = 0
    for ref, kind, status, highlight, description, captions in DEMO_SITES:
        org = _unit(ref)
        if org is None or ModelSite.objects.filter(org=org).exists():
            continue
        site = services.site_create(
            actor=actor,
            org_id=org.pk,
            kind=kinds[kind],
            highlight=highlight,
            description=description,
            status=status,
            internal_note="演示数据",
        )
        for n, caption in enumerate(captions):
            upload = SimpleUploadedFile(
                f"photo{n}.jpg", demo_photo(org.name, caption, seed=n), content_type="image/jpeg"
            )
            services.site_photo_add(actor=actor, site_id=site.pk, upload=upload, caption=caption)
        added += 1
    return added
