"""Key-customer identity verification (seed 002, 重点客户身份验证): a basic-data check and multiple-choice
questions from the customer's own history, at most 3 attempts a day.

1. Basic data: the operator types the name and the last 4 characters of the id number or phone the
   customer says; :func:`check_basic` compares them with the stored values and answers yes or no, so the
   operator never sees what is stored.
2. Questions (:func:`build_challenge`): the month of the last purchase, the band of the last order's
   amount, the most bought category, the account manager's name. The operator sees the questions and
   options (:meth:`Challenge.public`), never which option is right.
3. Attempts (:class:`AttemptDesk`): a failed attempt counts; after 3 in a day the customer is locked
   until midnight. Which answer was wrong is never said.

Distractors are drawn so the right answer cannot be told from the options: they come from the same
answer space as the truth (the last 12 months, the amount bands, the categories and account managers in
the data), weighted by how common each answer is in the population when the caller gives weights, and
the right answer's position is uniform. The options of a question depend only on the seed, the question
and its true answer, so asking again the same day shows the same set: comparing two attempts' options
cannot single out the one that is always there.

>>> import datetime as dt
>>> facts = CustomerFacts(name="张伟", id_number="110101199001011234", phone=None,
...     last_purchase=dt.date(2026, 3, 9), last_order_amount=82_000.0, top_category="paper", account_manager="王芳")
>>> pools = AnswerPools(as_of=dt.date(2026, 11, 30), categories=("paper", "ink", "toner", "pens"),
...     account_managers=("王芳", "李娜", "刘洋", "陈静"))
>>> challenge = build_challenge(facts, pools, seed=42)
>>> [q.kind for q in challenge.questions]
['last_purchase_month', 'last_order_band', 'top_category', 'account_manager']
>>> challenge.grade(challenge.answers), check_basic(facts, name="张 伟", last4="1234")
(True, True)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import random
import re
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from tierwise.errors import LockedOutError, UsageError
from tierwise.i18n import Formats, Message, translate

Kind = Literal["last_purchase_month", "last_order_band", "top_category", "account_manager"]
OPTIONS = 4  # per question: one right, three distractors
MIN_OPTIONS = 3  # a question with fewer options is a coin toss: it is left out
MIN_QUESTIONS = 2
MAX_ATTEMPTS = 3
MONTHS_BACK = 12

# what the operator reads
PROMPTS: Mapping[Kind, Message] = {
    "last_purchase_month": Message("In which month was your last purchase?"),
    "last_order_band": Message("About how much was your last order?"),
    "top_category": Message("Which kind of product do you buy most?"),
    "account_manager": Message("Who is your account manager?"),
}

# last-order amount bands: lower bound inclusive, upper bound exclusive
BAND_EDGES: tuple[float, ...] = (0, 1_000, 5_000, 10_000, 50_000, 100_000, 500_000, 1_000_000, 5_000_000, math.inf)
# a band is named by its bounds, ``low-high`` (``5000000-`` for the last), and shown by :func:`band_label`
BANDS: tuple[str, ...] = tuple(
    f"{low:.0f}-" + ("" if math.isinf(high) else f"{high:.0f}") for low, high in zip(BAND_EDGES, BAND_EDGES[1:])
)

Weights = Sequence[str] | Mapping[str, float]


def band_label(band: str, lang: str = "en") -> str:
    """A band as the operator reads it: ``under 1,000``, ``1,000 to under 5,000``, ``5,000,000 or more``.

    >>> band_label("1000-5000"), band_label("5000000-", "zh")
    ('1,000 to under 5,000', '5,000,000 及以上')
    """
    low, _, high = band.partition("-")
    number = Formats(lang).number
    if float(low) == 0:
        return translate(Message("under %(high)s", {"high": number(float(high))}), lang)
    if not high:
        return translate(Message("%(low)s or more", {"low": number(float(low))}), lang)
    return translate(
        Message("%(low)s to under %(high)s", {"low": number(float(low)), "high": number(float(high))}), lang
    )


def band_of(amount: float) -> str:
    """The band an amount falls in.

    >>> band_of(999.99), band_of(1000), band_of(7_500_000)
    ('0-1000', '1000-5000', '5000000-')
    """
    if not amount >= 0 or math.isinf(amount):
        raise UsageError(
            Message("an order amount must be a finite number at least 0, not %(amount)s", {"amount": repr(amount)})
        )
    return next(band for band, high in zip(BANDS, BAND_EDGES[1:]) if amount < high)


def month_options(as_of: dt.date) -> tuple[str, ...]:
    """The answer space of the month question: the 12 calendar months up to ``as_of``'s, as ``YYYY-MM``."""
    index = as_of.year * 12 + as_of.month - 1
    return tuple(f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - MONTHS_BACK + 1, index + 1))


@dataclass(frozen=True)
class CustomerFacts:
    """What the store knows about one customer, as plain values (decrypted by the service, never shown)."""

    name: str
    id_number: str | None
    phone: str | None
    last_purchase: dt.date | None
    last_order_amount: float | None
    top_category: str | None
    account_manager: str | None


@dataclass(frozen=True)
class AnswerPools:
    """Where distractors come from: the date asked on, and the categories and account managers in the data.

    Each pool (and ``months`` / ``bands``) is a sequence (equally likely) or a mapping of answer → weight,
    e.g. how many key customers have that answer, so distractors are as plausible as the truth.
    """

    as_of: dt.date
    categories: Weights = ()
    account_managers: Weights = ()
    months: Mapping[str, float] | None = None
    bands: Mapping[str, float] | None = None


@dataclass(frozen=True)
class Question:
    """One multiple-choice question as the operator sees it."""

    kind: Kind
    prompt: Message
    options: tuple[str, ...]  # the answers as values: months YYYY-MM, bands low-high, names


@dataclass(frozen=True)
class Challenge:
    """The questions with, kept apart, the index of the right option of each (stays on the server)."""

    questions: tuple[Question, ...]
    answers: tuple[int, ...]

    @property
    def sufficient(self) -> bool:
        """Whether there are enough questions to verify by (else verify another way, e.g. in person)."""
        return len(self.questions) >= MIN_QUESTIONS

    def public(self, lang: str = "en") -> list[dict[str, object]]:
        """The questions and options in ``lang`` without the answers, JSON-ready, for the operator's screen."""
        return [
            {
                "kind": q.kind,
                "prompt": translate(q.prompt, lang),
                "options": [band_label(o, lang) if q.kind == "last_order_band" else o for o in q.options],
            }
            for q in self.questions
        ]

    def grade(self, chosen: Sequence[int]) -> bool:
        """Whether every question was answered with its right option (one index per question, in order)."""
        if len(chosen) != len(self.questions):
            raise UsageError(
                Message("expected %(n)s answers, got %(got)s", {"n": len(self.questions), "got": len(chosen)})
            )
        return all(hmac.compare_digest(str(c), str(a)) for c, a in zip(chosen, self.answers))


def _as_weights(pool: Weights) -> dict[str, float]:
    if isinstance(pool, Mapping):
        return {str(k): float(v) for k, v in pool.items() if v > 0}
    return dict.fromkeys((str(v) for v in pool), 1.0)


def _question_rng(seed: int, kind: Kind, truth: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}\x00{kind}\x00{truth}".encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def draw_options(
    truth: str, space: Mapping[str, float], rng: random.Random, count: int = OPTIONS
) -> tuple[int, tuple[str, ...]]:
    """``count`` distinct options holding ``truth`` once, at a uniform position; the rest drawn from
    ``space`` without replacement, each with probability proportional to its weight.

    Returns the index of ``truth`` and the options.
    """
    pool = {k: w for k, w in space.items() if k != truth and w > 0}
    distractors: list[str] = []
    while pool and len(distractors) < count - 1:
        pick = rng.choices(list(pool), weights=list(pool.values()))[0]
        distractors.append(pick)
        del pool[pick]
    position = rng.randrange(len(distractors) + 1)
    options = (*distractors[:position], truth, *distractors[position:])
    return position, options


def _truths(facts: CustomerFacts, pools: AnswerPools) -> list[tuple[Kind, str | None, dict[str, float]]]:
    months = month_options(pools.as_of)
    month = facts.last_purchase.strftime("%Y-%m") if facts.last_purchase is not None else None
    month_space = {m: (pools.months.get(m, 0.0) if pools.months else 1.0) for m in months}
    band = band_of(facts.last_order_amount) if facts.last_order_amount is not None else None
    band_space = {b: (pools.bands.get(b, 0.0) if pools.bands else 1.0) for b in BANDS}
    return [
        ("last_purchase_month", month if month in months else None, month_space),
        ("last_order_band", band, band_space),
        ("top_category", facts.top_category, _as_weights(pools.categories)),
        ("account_manager", facts.account_manager, _as_weights(pools.account_managers)),
    ]


def build_challenge(facts: CustomerFacts, pools: AnswerPools, *, seed: int, options: int = OPTIONS) -> Challenge:
    """The questions for one customer, deterministic for a ``seed`` (the service derives it per customer
    with :func:`customer_seed` over ``Keyring.derive("identity questions")``). A question whose fact is
    unknown, or with fewer than 3 options, is left out; a last purchase more than 12 months back is not
    asked about.
    """
    questions, answers = [], []
    for kind, truth, space in _truths(facts, pools):
        if truth is None or not str(truth).strip():
            continue
        position, drawn = draw_options(str(truth), space, _question_rng(seed, kind, str(truth)), options)
        if len(drawn) < MIN_OPTIONS:
            continue
        questions.append(Question(kind, PROMPTS[kind], drawn))
        answers.append(position)
    return Challenge(tuple(questions), tuple(answers))


def customer_seed(secret: bytes, customer_id: str) -> int:
    """A seed per customer that nobody without ``secret`` can predict, stable from one attempt to the next."""
    return int.from_bytes(hmac.new(secret, customer_id.encode("utf-8"), hashlib.sha256).digest()[:8], "big")


# -- basic data --

_SPACES = re.compile(r"[\s·•・.]+")
LAST4 = re.compile(r"^[0-9]{3}[0-9X]$")


def normalise_name(name: str) -> str:
    """A name as compared: width folded, case folded, spaces and middle dots dropped (``张 伟`` = ``张伟``)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", name)).casefold()


def _last4(value: str | None) -> str | None:
    if value is None:
        return None
    text = re.sub(r"[^0-9Xx]", "", unicodedata.normalize("NFKC", value)).upper()
    return text[-4:] if len(text) >= 4 else None


def check_basic(facts: CustomerFacts, *, name: str, last4: str) -> bool:
    """Whether the typed name and last 4 characters (of the id number or the phone) match the customer's.

    Both are always compared, in constant time, so the time taken does not tell which one failed.
    ``last4`` must be 4 digits (the id number's may end in X); anything else is a typing slip
    (:class:`~tierwise.errors.UsageError`) and does not count as an attempt.
    """
    typed = unicodedata.normalize("NFKC", last4).strip().upper()
    if not LAST4.match(typed):
        raise UsageError(
            Message("type exactly the last 4 characters of the id number or phone (digits, or X at the end)")
        )
    name_ok = hmac.compare_digest(normalise_name(name).encode(), normalise_name(facts.name).encode())
    matches = [
        hmac.compare_digest(typed, stored) for stored in (_last4(facts.id_number), _last4(facts.phone)) if stored
    ]
    return name_ok & any(matches)


# -- attempts: at most 3 a day --


class AttemptLedger(Protocol):
    """Failed attempts per customer per day (the store can back it; :class:`MemoryAttempts` is one process)."""

    def failures(self, customer_id: str, day: dt.date) -> int:
        """How many attempts for ``customer_id`` failed on ``day``."""

    def add_failure(self, customer_id: str, day: dt.date) -> int:
        """Count one more failed attempt; returns the new count."""


class MemoryAttempts:
    """An :class:`AttemptLedger` in this process's memory."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, dt.date], int] = {}
        self._mutex = threading.Lock()

    def failures(self, customer_id: str, day: dt.date) -> int:
        """How many attempts for ``customer_id`` failed on ``day``."""
        with self._mutex:
            return self._counts.get((customer_id, day), 0)

    def add_failure(self, customer_id: str, day: dt.date) -> int:
        """Count one more failed attempt; returns the new count."""
        with self._mutex:
            count = self._counts.get((customer_id, day), 0) + 1
            self._counts[(customer_id, day)] = count
            return count


@dataclass(frozen=True)
class AttemptOutcome:
    """The result of one attempt as the operator may see it: passed or not, attempts left, locked or not."""

    passed: bool
    attempts_left: int
    locked: bool


def _seconds_to_midnight(now: dt.datetime) -> int:
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), tzinfo=now.tzinfo)
    return max(1, math.ceil((midnight - now).total_seconds()))


class AttemptDesk:
    """At most :data:`MAX_ATTEMPTS` failed attempts per customer per day (the day of ``now``, local time)."""

    def __init__(self, ledger: AttemptLedger, max_attempts: int = MAX_ATTEMPTS) -> None:
        self.ledger = ledger
        self.max_attempts = max_attempts

    def check(self, customer_id: str, now: dt.datetime) -> None:
        """Raise :class:`~tierwise.errors.LockedOutError` (until midnight) when today's attempts are used up."""
        if self.ledger.failures(customer_id, now.date()) >= self.max_attempts:
            raise LockedOutError(
                Message(
                    "identity verification for this customer is locked for today after %(n)s failed attempts",
                    {"n": self.max_attempts},
                ),
                _seconds_to_midnight(now),
            )

    def record(self, customer_id: str, now: dt.datetime, *, passed: bool) -> AttemptOutcome:
        """Record one graded attempt (call :meth:`check` first) and say what the operator may be told."""
        used = self.ledger.failures(customer_id, now.date())
        if not passed:
            used = self.ledger.add_failure(customer_id, now.date())
        left = max(0, self.max_attempts - used)
        return AttemptOutcome(passed=passed, attempts_left=left, locked=not passed and left == 0)
