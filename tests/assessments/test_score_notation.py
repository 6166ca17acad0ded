"""Scores are plain decimal notation: ASCII digits, at most one point and two decimals. Text that
Python's ``Decimal`` would also read (underscores, full-width or Arabic-Indic digits, exponents,
NaN, Infinity, spaces) is refused with the indicator named, on the API and on the sheet page, and
the whole save is refused: nothing is half-written."""

import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from assessments.models import Assessment, Score
from assessments.services.sheets import NOT_A_NUMBER, VETO_NO_POINTS, parse_score
from demo.drive import sheet_rows
from indicators.models import Indicator
from tests.assessments.test_pages import form_from
from tests.assessments.test_scores import put, snapshot
from tests.helpers import login

ODD_NOTATIONS = ["1_0", "１", "١", "1e1", "1E0", " 1", "1 ", "\u00a01", "NaN", "nan", "Infinity", "-Infinity"]
ODD_NOTATIONS += ["+1", "0x1", "1.", ".5", "1..5", "1,5", "٠.٥", "1.000", "", "   "]


class Ten:
    max_score = Decimal("10")
    is_veto = False


class VetoWithoutPoints:
    max_score = Decimal("0")
    is_veto = True


@pytest.mark.parametrize(
    ("text", "value"), [("", Decimal("0.0")), (None, Decimal("0.0")), ("0", Decimal("0.0"))]
)
def test_a_veto_item_without_points_scores_zero_given_or_not(text, value):
    assert parse_score(text, VetoWithoutPoints) == (value, None)


@pytest.mark.parametrize("text", ["1", "0.5", 2, "1_0"])
def test_a_veto_item_without_points_refuses_any_other_score(text):
    value, problem = parse_score(text, VetoWithoutPoints)
    assert value is None and problem in (VETO_NO_POINTS, NOT_A_NUMBER)


@pytest.mark.parametrize("text", ODD_NOTATIONS)
def test_odd_notations_are_not_scores(text):
    value, problem = parse_score(text, Ten)
    assert value is None and problem


@pytest.mark.parametrize(
    ("raw", "expected"), [(1, "1.0"), (7.5, "7.5"), ("8", "8.0"), ("2.50", "2.5"), ("0", "0.0")]
)
def test_json_numbers_and_plain_decimals_are_scores(raw, expected):
    assert parse_score(raw, Ten) == (Decimal(expected), None)


@pytest.mark.parametrize("raw", [float("nan"), float("inf"), True, [1], {"v": 1}])
def test_non_numbers_in_json_are_refused(raw):
    value, problem = parse_score(raw, Ten)
    assert value is None and "分值应为数字" in problem


DIGITS = "0123456789"


# Text close to a number: pieces of numbers (ASCII digits and point, underscores, exponents, signs,
# spaces, other scripts' digits, NaN, Infinity) joined, and now and then any character at all.
PIECES = list("0123456789..._eE-+ \t") + ["\u00a0", "１", "５", "١", "٥", "۵", "५", "NaN", "Infinity", "inf"]
NEAR_NUMBERS = st.lists(st.sampled_from(PIECES) | st.characters(), max_size=6).map("".join)


@given(NEAR_NUMBERS)
@hsettings(max_examples=500)
def test_any_text_that_is_not_plain_notation_is_refused(text):
    plain = re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", text) is not None
    value, problem = parse_score(text, Ten)
    if not plain:
        assert value is None and problem
    else:
        assert (value is None) == (problem is not None)


@given(st.integers(min_value=0, max_value=20), st.booleans(), st.sampled_from(["", "0", "00"]))
@hsettings(max_examples=200)
def test_every_half_step_within_bounds_is_accepted_and_round_trips(halves, point, zeros):
    exact = Decimal(halves) / 2
    text = f"{exact.normalize():f}"
    if point and "." not in text:
        text += "." + (zeros or "0")
    value, problem = parse_score(text, Ten)
    assert problem is None and value == exact and f"{value:f}" == f"{exact:.1f}"


@given(st.text(alphabet=DIGITS + ".", min_size=1, max_size=6))
@hsettings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_ascii_digit_text_is_refused_only_for_notation_or_bounds(text):
    value, problem = parse_score(text, Ten)
    if re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", text) and Decimal(text) <= 10 and (Decimal(text) * 2) % 1 == 0:
        assert value == Decimal(text)
    else:
        assert value is None and problem


@pytest.mark.parametrize("text", ["1_0", "１", "١", "1e1", "NaN", "Infinity"])
def test_the_api_refuses_an_odd_notation_naming_the_indicator_and_saves_nothing(world, text):
    a = world.declare()
    put(world.operator, a, "self", sheet_rows(a)[:2])
    before, version = snapshot(a), Assessment.objects.get(pk=a.pk).version
    rows = sheet_rows(a)
    normal = next(n for n, r in enumerate(rows) if "veto_passed" not in r)
    rows[normal] = {**rows[normal], "score": text}
    response = put(world.operator, a, "self", rows)
    assert response.status_code == 400
    code = Indicator.objects.get(pk=rows[normal]["indicator"]).code
    assert f"{code}：分值应为数字" in response.json()["detail"]
    assert snapshot(a) == before and Assessment.objects.get(pk=a.pk).version == version


@pytest.mark.parametrize("text", ["1_0", "１", "١", "1e0"])
def test_the_sheet_page_refuses_an_odd_notation_and_saves_nothing(world, text):
    a = world.declare()
    rows = sheet_rows(a)[:3]
    rows[1]["score"] = text
    response = login(world.operator).post(f"/assessments/{a.pk}/sheet/self/", form_from(rows, a.version))
    assert response.status_code == 400
    code = Indicator.objects.get(pk=rows[1]["indicator"]).code
    page = response.content.decode()
    assert f'id="err-{rows[1]["indicator"]}"' in page and f"{code}：分值应为数字" in page
    assert not Score.objects.filter(assessment=a).exists()


def test_json_numbers_are_still_scores_on_the_api(world):
    a = world.declare()
    rows = [r for r in sheet_rows(a) if "veto_passed" not in r][:2]
    rows = [{**rows[0], "score": 1}, {**rows[1], "score": 0.5}]
    assert put(world.operator, a, "self", rows).status_code == 200
    saved = dict(Score.objects.filter(assessment=a).values_list("indicator_id", "score"))
    assert saved == {rows[0]["indicator"]: Decimal("1.0"), rows[1]["indicator"]: Decimal("0.5")}
