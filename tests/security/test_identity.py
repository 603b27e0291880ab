"""Key-customer identity verification (seed 002): basic data, questions from history, 3 attempts a day."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tierwise.errors import LockedOutError, UsageError
from tierwise.security.identity import (
    BANDS,
    MAX_ATTEMPTS,
    AnswerPools,
    AttemptDesk,
    CustomerFacts,
    MemoryAttempts,
    band_label,
    band_of,
    build_challenge,
    check_basic,
    customer_seed,
    draw_options,
    month_options,
)

AS_OF = dt.date(2026, 11, 30)
FACTS = CustomerFacts(
    name="张伟",
    id_number="11010119900101123X",
    phone="13812345678",
    last_purchase=dt.date(2026, 3, 9),
    last_order_amount=82_000.0,
    top_category="paper",
    account_manager="王芳",
)
POOLS = AnswerPools(
    as_of=AS_OF,
    categories=("paper", "ink", "toner", "pens", "folders"),
    account_managers=("王芳", "李娜", "刘洋", "陈静", "杨敏"),
)


@pytest.mark.parametrize(
    ("name", "last4", "ok"),
    [
        ("张伟", "123X", True),  # id number, check letter
        ("张伟", "123x", True),
        (" 张 伟 ", "5678", True),  # phone
        ("ＺＨＡＮＧ", "5678", False),
        ("张伟", "1234", False),
        ("张三", "123X", False),
        ("张三", "5678", False),
    ],
)
def test_basic_check_against_the_last_4_of_id_number_or_phone(name: str, last4: str, ok: bool) -> None:
    assert check_basic(FACTS, name=name, last4=last4) is ok


def test_latin_names_compare_without_case_or_width() -> None:
    facts = CustomerFacts("Zhang Wei", None, "13812345678", None, None, None, None)
    assert check_basic(facts, name="ｚｈａｎｇ wei", last4="5678")


@pytest.mark.parametrize("last4", ["123", "12345", "12a4", "X123", ""])
def test_a_malformed_last4_is_a_typing_slip_not_an_attempt(last4: str) -> None:
    with pytest.raises(UsageError, match="last 4 characters"):
        check_basic(FACTS, name="张伟", last4=last4)


def test_a_customer_without_id_number_or_phone_never_passes_the_basic_check() -> None:
    facts = CustomerFacts("张伟", None, None, None, None, None, None)
    assert not check_basic(facts, name="张伟", last4="1234")


def test_the_four_questions_their_right_answers_and_what_the_operator_sees() -> None:
    challenge = build_challenge(FACTS, POOLS, seed=7)
    truths = ["2026-03", "50000-100000", "paper", "王芳"]
    assert [q.options[a] for q, a in zip(challenge.questions, challenge.answers)] == truths
    assert all(len(q.options) == 4 for q in challenge.questions)
    shown = challenge.public()
    assert [set(q) for q in shown] == [{"kind", "prompt", "options"}] * 4  # no answer leaves with the questions
    assert shown[1]["prompt"] == "About how much was your last order?"
    assert "50,000 to under 100,000" in shown[1]["options"]
    assert challenge.public("zh")[1]["prompt"] == "您最近一笔订单的金额大约是多少？"
    assert challenge.sufficient
    assert challenge.grade(challenge.answers)
    wrong = [(a + 1) % 4 if i == 2 else a for i, a in enumerate(challenge.answers)]
    assert not challenge.grade(wrong)
    with pytest.raises(UsageError, match="expected 4 answers"):
        challenge.grade(challenge.answers[:3])


def test_the_same_seed_gives_the_same_challenge_and_the_options_do_not_depend_on_other_questions() -> None:
    assert build_challenge(FACTS, POOLS, seed=11) == build_challenge(FACTS, POOLS, seed=11)
    no_category = CustomerFacts(**{**FACTS.__dict__, "top_category": None})
    a, b = build_challenge(FACTS, POOLS, seed=11), build_challenge(no_category, POOLS, seed=11)
    assert [q.kind for q in b.questions] == ["last_purchase_month", "last_order_band", "account_manager"]
    assert a.questions[3] == b.questions[2]


def test_unknown_facts_old_purchases_and_tiny_pools_leave_questions_out() -> None:
    facts = CustomerFacts("张伟", None, "13812345678", dt.date(2025, 11, 30), None, "paper", "王芳")
    pools = AnswerPools(as_of=AS_OF, categories=("paper", "ink"), account_managers=("王芳", "李娜", "刘洋"))
    challenge = build_challenge(facts, pools, seed=1)
    # a purchase 12 months back is outside the months asked about; no amount; 2 categories are a coin toss
    assert [q.kind for q in challenge.questions] == ["account_manager"]
    assert [len(q.options) for q in challenge.questions] == [3]
    assert not challenge.sufficient


def test_month_options_are_the_12_months_up_to_the_as_of_month() -> None:
    assert month_options(dt.date(2026, 2, 1)) == (
        "2025-03", "2025-04", "2025-05", "2025-06", "2025-07", "2025-08",
        "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("amount", "band"),
    [(0, "under 1,000"), (999.99, "under 1,000"), (1000, "1,000 to under 5,000"), (5_000_000, "5,000,000 or more")],
)
def test_amount_bands_include_their_lower_bound(amount: float, band: str) -> None:
    assert band_label(band_of(amount)) == band


def test_band_labels_in_chinese() -> None:
    assert [band_label(b, "zh") for b in (BANDS[0], BANDS[4], BANDS[-1])] == [
        "1,000 以下",
        "50,000 至 100,000（不含）",
        "5,000,000 及以上",
    ]


@pytest.mark.parametrize("amount", [-1, float("nan"), float("inf")])
def test_amounts_that_are_not_a_finite_non_negative_number_are_refused(amount: float) -> None:
    with pytest.raises(UsageError):
        band_of(amount)


SPACE = st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=15, unique=True)


@given(space=SPACE, seed=st.integers(0, 2**64), count=st.integers(2, 6), data=st.data())
def test_the_right_answer_is_among_the_options_exactly_once(space: list[str], seed: int, count: int, data) -> None:
    truth = data.draw(st.sampled_from(space) | st.text(min_size=1, max_size=6))
    position, options = draw_options(truth, dict.fromkeys(space, 1.0), random.Random(seed), count)
    assert options.count(truth) == 1 and options[position] == truth
    assert len(set(options)) == len(options) == min(count, len(set(space) | {truth}))
    assert set(options) - {truth} <= set(space)


@given(seed=st.integers(0, 2**64))
def test_every_question_of_a_challenge_holds_its_answer_once(seed: int) -> None:
    challenge = build_challenge(FACTS, POOLS, seed=seed)
    truths = ["2026-03", band_of(82_000.0), "paper", "王芳"]
    for question, answer, truth in zip(challenge.questions, challenge.answers, truths):
        assert question.options.count(truth) == 1 and question.options[answer] == truth


def _chi_square(counts: Counter, cells: int, n: int) -> float:
    expected = n / cells
    return sum((counts.get(i, 0) - expected) ** 2 / expected for i in range(cells))


def test_the_right_answers_position_is_uniform_over_seeds() -> None:
    n = 4000
    for kind_index in range(4):
        counts = Counter(build_challenge(FACTS, POOLS, seed=s).answers[kind_index] for s in range(n))
        # 3 degrees of freedom: the 99.9% point of chi-square is 16.27
        assert _chi_square(counts, 4, n) < 16.27, (kind_index, counts)


def test_the_truth_is_not_the_odd_one_out_distractors_are_as_varied_as_the_truth() -> None:
    # over many customers whose true month is spread over the year, no option position or rank gives it away
    n, hits_newest = 3000, 0
    rng = random.Random(5)
    for s in range(n):
        month = rng.choice(month_options(AS_OF))
        facts = CustomerFacts(**{**FACTS.__dict__, "last_purchase": dt.date.fromisoformat(month + "-15")})
        question = build_challenge(facts, POOLS, seed=s).questions[0]
        hits_newest += max(question.options) == month  # "guess the most recent month"
    assert abs(hits_newest / n - 0.25) < 0.035  # the guess is as good as chance, 1 in 4


def test_population_weights_make_distractors_follow_the_population() -> None:
    pools = AnswerPools(
        as_of=AS_OF, bands={b: (100.0 if b.startswith(("50000-", "100000-", "10000-")) else 1.0) for b in BANDS}
    )
    drawn = Counter()
    for s in range(2000):
        question = build_challenge(FACTS, pools, seed=s).questions[1]
        drawn.update(o for o in question.options if o != band_of(82_000.0))
    common = drawn["100000-500000"] + drawn["10000-50000"]
    assert common / sum(drawn.values()) > 0.6


def test_customer_seeds_are_stable_and_keyed() -> None:
    assert customer_seed(b"k" * 32, "C001") == customer_seed(b"k" * 32, "C001")
    assert customer_seed(b"k" * 32, "C001") != customer_seed(b"j" * 32, "C001")
    assert customer_seed(b"k" * 32, "C001") != customer_seed(b"k" * 32, "C002")


NOW = dt.datetime(2026, 12, 1, 15, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_three_failed_attempts_lock_the_customer_until_midnight() -> None:
    desk = AttemptDesk(MemoryAttempts())
    outcomes = []
    for _ in range(MAX_ATTEMPTS):
        desk.check("C001", NOW)
        outcomes.append(desk.record("C001", NOW, passed=False))
    assert [(o.attempts_left, o.locked) for o in outcomes] == [(2, False), (1, False), (0, True)]
    with pytest.raises(LockedOutError, match="locked for today") as info:
        desk.check("C001", NOW)
    assert info.value.retry_after_seconds == 8 * 3600 + 30 * 60
    desk.check("C002", NOW)  # another customer is not affected
    desk.check("C001", NOW + dt.timedelta(hours=9))  # the next day starts afresh


def test_a_pass_after_a_failure_says_passed_and_does_not_use_an_attempt() -> None:
    desk = AttemptDesk(MemoryAttempts())
    desk.record("C001", NOW, passed=False)
    outcome = desk.record("C001", NOW, passed=True)
    assert (outcome.passed, outcome.attempts_left, outcome.locked) == (True, 2, False)


@settings(max_examples=40, deadline=None)
@given(space=st.lists(st.text(min_size=1, max_size=4), min_size=3, max_size=12, unique=True), data=st.data())
def test_for_any_answer_space_the_position_of_the_truth_is_uniform(space: list[str], data) -> None:
    from scipy.stats import chi2

    truth = data.draw(st.sampled_from(space))
    n = 1200
    positions = Counter(draw_options(truth, dict.fromkeys(space, 1.0), random.Random(s))[0] for s in range(n))
    cells = min(4, len(space))
    # a one-in-a-million bound: 40 examples cannot fail by chance, a biased draw fails at once
    assert _chi_square(positions, cells, n) < chi2.ppf(1 - 1e-6, cells - 1), positions
