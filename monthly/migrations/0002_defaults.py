"""The default observation rubric and the six kinds of model sites: data the admin edits later."""

from django.db import migrations

# The shipped default rubric (the admin edits it); kept when the migrations are squashed.
DEFAULT_RUBRIC = [
    ("推进进度（对照节奏）", "对照“四级联创”年度节奏，看创建进度是否达到序时要求", "30"),
    ("工作亮点", "有无可复制推广的特色做法和看点", "25"),
    ("上次问题整改", "上次观摩发现问题的整改是否按期、到位", "25"),
    ("群众评价", "随机走访群众，了解群众对基层组织和服务的评价", "20"),
]


def install_default_rubric(apps, schema_editor):
    RubricItem = apps.get_model("monthly", "RubricItem")
    if RubricItem.objects.exists():
        return
    RubricItem.objects.bulk_create(
        RubricItem(title=title, guide=guide, max_score=max_score, order=order)
        for order, (title, guide, max_score) in enumerate(DEFAULT_RUBRIC, start=1)
    )


def install_default_kinds(apps, schema_editor):
    from monthly.site_kinds import default_kind_rows

    SiteKind = apps.get_model("monthly", "SiteKind")
    for row in default_kind_rows():
        SiteKind.objects.get_or_create(name=row["name"], defaults=row)



class Migration(migrations.Migration):
    dependencies = [("monthly", "0001_initial")]

    operations = [
        migrations.RunPython(install_default_rubric, migrations.RunPython.noop),
        migrations.RunPython(install_default_kinds, migrations.RunPython.noop),
    ]
