"""The out-of-100 scaling and its one rounding rule, on hand-made items: totals out of a set's own
total, a third decimal rounded half up to the cent, and a unit that sees no item."""

from decimal import Decimal

from indicators.scoring import applicable_max, scale_factor, scaled_max, scaled_total


class Item:
    def __init__(self, pk, max_score, applies_to="all"):
        self.pk, self.max_score, self.applies_to = pk, Decimal(max_score), applies_to


THIRDS = [Item(1, "1"), Item(2, "1"), Item(3, "1")]


def test_a_set_out_of_50_scores_a_full_sheet_50_not_100():
    items = [Item(1, "20"), Item(2, "20"), Item(3, "20", "urban")]
    assert scaled_total({1: Decimal(20), 2: Decimal(20)}, items, "rural", Decimal(50)) == Decimal("50.00")
    assert scaled_total({1: Decimal(10)}, items, "rural", Decimal(50)) == Decimal("12.50")
    assert scaled_max(items[0], scale_factor(items, "rural", Decimal(50))) == Decimal("25.00")


def test_a_third_of_the_points_is_33_33_to_the_cent():
    # 1 of 3 points scaled to 100 = 33.333…: kept to the cent, neither 33.3 nor rounded up to 33.34
    assert scaled_total({1: Decimal(1)}, THIRDS, "rural", Decimal(100)) == Decimal("33.33")
    assert scaled_total({1: Decimal(2), 2: Decimal(0)}, THIRDS, "rural", Decimal(100)) == Decimal("66.67")
    assert scaled_max(THIRDS[0], scale_factor(THIRDS, "rural", Decimal(100))) == Decimal("33.33")


def test_a_total_ending_in_half_a_cent_goes_up_whether_the_cent_is_odd_or_even():
    items = [Item(1, "16")]  # one point is 6.25 of 100
    assert scaled_total({1: Decimal("0.5")}, items, "rural", Decimal(100)) == Decimal("3.13")  # 3.125
    assert scaled_total({1: Decimal("1.5")}, items, "rural", Decimal(100)) == Decimal("9.38")  # 9.375


def test_a_unit_that_sees_no_item_scores_zero_out_of_zero():
    items = [Item(1, "10", "urban"), Item(2, "5", "urban")]
    assert applicable_max(items, "rural") == 0
    assert scale_factor(items, "rural", Decimal(100)) == 0
    assert scaled_total({1: Decimal(10)}, items, "rural", Decimal(100)) == Decimal("0.00")
