"""AHP, entropy weights and TOPSIS against published worked examples."""

from __future__ import annotations

import numpy as np
import pytest

from tierwise.analytics.classify.weights import ahp_weights, entropy_weights, minmax, topsis
from tierwise.errors import PolicyError

# Saaty's "relative wealth of nations" example (T. L. Saaty, The Analytic Hierarchy Process, 1980, §2;
# also Saaty 1977, J. Math. Psychology 15: 234–281): US, USSR, China, France, UK, Japan, West Germany.
WEALTH = [
    [1, 4, 9, 6, 6, 5, 5],
    [1 / 4, 1, 7, 5, 5, 3, 4],
    [1 / 9, 1 / 7, 1, 1 / 5, 1 / 5, 1 / 7, 1 / 5],
    [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
    [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
    [1 / 5, 1 / 3, 7, 3, 3, 1, 2],
    [1 / 5, 1 / 4, 5, 3, 3, 1 / 2, 1],
]
WEALTH_EIGENVECTOR = [0.427, 0.230, 0.021, 0.052, 0.052, 0.123, 0.094]  # published, 3 decimals
WEALTH_LAMBDA_MAX = 7.61

# Hwang & Yoon, Multiple Attribute Decision Making (Springer LNEMS 186, 1981), the fighter-aircraft example:
# max speed (Mach), ferry range (NM), max payload (lb), cost ($M, a cost attribute), reliability,
# manoeuvrability; weights w = (0.2, 0.1, 0.1, 0.1, 0.2, 0.3).
AIRCRAFT = [
    [2.0, 1500, 20000, 5.5, 5, 9],
    [2.5, 2700, 18000, 6.5, 3, 5],
    [1.8, 2000, 21000, 4.5, 7, 7],
    [2.2, 1800, 20000, 5.0, 5, 5],
]
AIRCRAFT_WEIGHTS = [0.2, 0.1, 0.1, 0.1, 0.2, 0.3]
AIRCRAFT_BENEFIT = [True, True, True, False, True, True]
AIRCRAFT_CLOSENESS = [0.643, 0.268, 0.614, 0.312]  # published TOPSIS relative closeness, 3 decimals
AIRCRAFT_ENTROPY = [0.9946, 0.9829, 0.9989, 0.9931, 0.9703, 0.9770]  # published entropies e_j, 4 decimals


def test_ahp_matches_saatys_wealth_of_nations() -> None:
    weights, lambda_max, ci, cr = ahp_weights(WEALTH)
    assert np.round(weights, 3).tolist() == WEALTH_EIGENVECTOR
    assert round(lambda_max, 2) == WEALTH_LAMBDA_MAX
    assert ci == pytest.approx((lambda_max - 7) / 6)
    assert cr == pytest.approx(ci / 1.32)
    assert cr < 0.10


def test_a_consistent_matrix_gives_its_ratios_and_cr_zero() -> None:
    weights, lambda_max, _, cr = ahp_weights([[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]])
    assert weights == pytest.approx([4 / 7, 2 / 7, 1 / 7])
    assert lambda_max == pytest.approx(3)
    assert cr == pytest.approx(0, abs=1e-9)


def test_an_inconsistent_matrix_is_an_error_naming_cr() -> None:
    # A beats B strongly, B beats C strongly, yet C beats A strongly: a cycle.
    with pytest.raises(PolicyError, match=r"consistency ratio CR = \d\.\d{3} ≥ 0\.10"):
        ahp_weights([[1, 5, 1 / 5], [1 / 5, 1, 5], [5, 1 / 5, 1]])


def test_a_matrix_that_is_not_reciprocal_names_the_cell() -> None:
    with pytest.raises(PolicyError, match=r"row 1, column 2 \(sales vs margin\): 3 × 0.5 ≠ 1"):
        ahp_weights([[1, 3], [0.5, 1]], ["sales", "margin"])


def test_topsis_matches_hwang_and_yoon() -> None:
    closeness, *_ = topsis(AIRCRAFT, AIRCRAFT_WEIGHTS, AIRCRAFT_BENEFIT)
    assert np.round(closeness, 3).tolist() == AIRCRAFT_CLOSENESS


def test_entropy_weights_match_hwang_and_yoon() -> None:
    x = np.asarray(AIRCRAFT)
    p = x / x.sum(axis=0)
    entropy = -(p * np.log(p)).sum(axis=0) / np.log(len(x))
    # the book rounds each step; our unrounded entropies agree to the last published digit ± 2
    assert entropy == pytest.approx(AIRCRAFT_ENTROPY, abs=2e-4)
    published = (1 - np.array(AIRCRAFT_ENTROPY)) / (1 - np.array(AIRCRAFT_ENTROPY)).sum()
    assert entropy_weights(AIRCRAFT) == pytest.approx(published, abs=0.003)
    assert entropy_weights(AIRCRAFT).sum() == pytest.approx(1)


def test_entropy_gives_no_weight_to_an_indicator_that_never_varies() -> None:
    weights = entropy_weights([[1, 5], [2, 5], [3, 5]])
    assert weights == pytest.approx([1, 0])


def test_minmax_reverses_cost_indicators() -> None:
    z, lo, hi = minmax([[10, 1], [20, 3], [30, 5]], [True, False])
    assert z.tolist() == [[0, 1], [0.5, 0.5], [1, 0]]
    assert lo.tolist() == [10, 1] and hi.tolist() == [30, 5]
