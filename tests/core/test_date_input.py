import datetime as dt

import pytest

from yuxi_campaign.core.errors import InvalidInput, date_input


def test_a_date_or_an_iso_string_is_read():
    day = dt.date(2024, 5, 20)
    assert date_input(day, field="d", what="日期", missing="请填写日期") == day
    assert date_input(" 2024-05-20 ", field="d", what="日期", missing="请填写日期") == day


@pytest.mark.parametrize(
    ("value", "detail", "field"),
    [
        ("2024-13-01", "整改期限格式应为 YYYY-MM-DD", "日期格式应为 YYYY-MM-DD"),
        ("", "“限期整改”需要填写整改期限", "请填写整改期限"),
        (None, "“限期整改”需要填写整改期限", "请填写整改期限"),
        (dt.datetime(2024, 5, 20, 10, tzinfo=dt.UTC), "“限期整改”需要填写整改期限", "请填写整改期限"),
        (20240520, "“限期整改”需要填写整改期限", "请填写整改期限"),
    ],
)
def test_anything_else_is_refused_by_the_field(value, detail, field):
    with pytest.raises(InvalidInput) as refused:
        date_input(
            value,
            field="deadline",
            what="整改期限",
            missing="“限期整改”需要填写整改期限",
            missing_field="请填写整改期限",
        )
    assert refused.value.detail == detail and refused.value.fields == {"deadline": [field]}
