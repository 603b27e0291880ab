"""The hidden traits of demo customers, and the customers table drawn from them.

Every customer gets a yearly spend rate while active (heavy-tailed), a purchase rate and a dropout
rate (the Pareto/NBD buy-till-you-die process), a margin after discounts and account service, a cost
to serve each order and a return rate — so small, heavily discounted and demanding accounts lose
money, as in a distributor's whale curve — and the descriptive fields of the customers table. All
draws are vectorised over a segment of customers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tierwise.io.demo import text
from tierwise.io.demo import vocabulary as vocab

DAYS_PER_YEAR = 365.25

# Yearly spend rate of a customer while active, as a quantile curve (share of customers below → log10
# yuan), interpolated linearly in log space. Customers get stratified quantiles, so every segment of
# any size follows the curve closely: a handful above 5,000,000, some above 1,000,000, a long tail
# below 10,000, and (with churn) about 20 % of customers bringing 80 % of a year's sales.
SPEND_QUANTILES = np.array([0.0, 0.20, 0.50, 0.80, 0.95, 0.985, 0.997, 1.0])
SPEND_LOG10 = np.array([3.4, 4.35, 4.85, 5.3, 5.8, 6.2, 6.72, 7.1])
SPEND_PIVOT = 30_000.0  # yearly spend of a customer who orders PURCHASES_PER_YEAR times a year

PURCHASES_PER_YEAR = 6.0  # orders per year of a median customer; grows with the square root of spend
DROPOUTS_PER_YEAR = 0.15  # mean dropout rate (mean lifetime about six years)
NEVER_BUY = 0.06  # prospects that never buy
COMPANY_SHARE = 0.72
PUBLIC_SHARE_OF_COMPANIES = 0.07
SERVE_COST = 150.0  # median cost of handling one order (picking, delivery, invoicing), yuan
SERVICE_SHARE = 0.03  # median cost of serving an account beyond its orders, as a share of its sales
CREATED_BEFORE_YEARS = 1.0  # the customer base predates the transaction history by this much


@dataclass(frozen=True)
class HistorySpan:
    """The days (since 1970-01-01) of the first and last day of the transaction history."""

    start: int
    end: int


@dataclass
class Population:
    """Traits of one segment of customers (arrays of equal length; days since 1970-01-01)."""

    first: int  # global number of the segment's first customer (0-based)
    ids: pa.StringArray
    company: np.ndarray
    org_level: np.ndarray  # index into vocabulary.ORG_LEVELS, -1 for none
    spend: np.ndarray  # yearly spend rate while active
    rate: np.ndarray  # orders per year while active
    created: np.ndarray
    active_from: np.ndarray
    active_to: np.ndarray  # last active day (≤ end); < active_from when never active in the window
    first_order: np.ndarray  # True: the customer's first order falls on active_from
    margin: np.ndarray  # share of sales left after goods, discounts and account service
    serve_cost: np.ndarray  # cost to serve one order
    return_rate: np.ndarray
    category: np.ndarray
    channel: np.ndarray
    region: np.ndarray
    industry: np.ndarray
    owner: np.ndarray
    terms: np.ndarray  # payment terms in days, 0 = pays cash (no invoices)
    payer: np.ndarray  # 0 on time, 1 late, 2 partial, 3 defaulting

    def __len__(self) -> int:
        return len(self.spend)


def stratified_uniform(rng: np.random.Generator, count: int) -> np.ndarray:
    """``count`` uniforms in [0, 1), one in each of ``count`` equal strata, in random order."""
    return (rng.permutation(count) + rng.random(count)) / count


def draw_population(
    rng: np.random.Generator,
    first: int,
    count: int,
    window: HistorySpan,
    id_digits: int,
    orders_per_customer: float | None = None,
) -> Population:
    """Draw the traits of customers ``first`` … ``first + count - 1``.

    ``orders_per_customer`` scales purchase rates so the expected number of transactions (orders and
    returns) per customer is that number, keeping each customer's yearly spend: orders get smaller as
    they get more frequent, and so does the cost to serve each.
    """
    n = count
    u = stratified_uniform(rng, n)
    spend = 10 ** np.interp(u, SPEND_QUANTILES, SPEND_LOG10)
    size = spend / SPEND_PIVOT
    company = rng.random(n) < COMPANY_SHARE * (0.6 + 0.8 * u)
    public = company & (rng.random(n) < PUBLIC_SHARE_OF_COMPANIES)
    org_level = np.where(public, rng.choice(len(vocab.ORG_LEVELS), n, p=vocab.ORG_LEVEL_WEIGHTS), -1)

    rate = np.clip(PURCHASES_PER_YEAR * size**0.5 * rng.gamma(1.5, 1 / 1.5, n), 0.3, 400.0)
    rate[rng.random(n) < NEVER_BUY] = 0.0
    dropout = rng.gamma(1.5, DROPOUTS_PER_YEAR / 1.5, n) * size**-0.15
    history_start = window.start - int(CREATED_BEFORE_YEARS * DAYS_PER_YEAR)
    created = rng.integers(history_start, window.end - 6, n)
    lag = rng.exponential(20.0, n).astype(np.int64)
    born = created + lag
    death = born + (rng.exponential(1.0, n) / dropout * DAYS_PER_YEAR).astype(np.int64)
    active_from = np.maximum(born, window.start)
    active_to = np.minimum(death, window.end)
    first_order = (born >= window.start) & (born <= window.end) & (rate > 0)

    return_rate = np.clip(rng.gamma(1.2, 0.03 / 1.2, n), 0.0, 0.4)
    scale = 1.0
    if orders_per_customer is not None:  # expected rows: (repeat orders × scale + first order) × (1 + returns)
        repeat = (rate * np.clip(active_to - active_from, 0, None) / DAYS_PER_YEAR * (1 + return_rate)).sum()
        firsts = (first_order * (1 + return_rate)).sum()
        scale = max(orders_per_customer * n - firsts, 1e-3) / max(repeat, 1e-9)
    margin = np.clip(rng.normal(0.13, 0.05, n), 0.0, 0.35)
    discounted = rng.random(n) < 0.12  # key deals bought with deep discounts
    margin[discounted] = np.clip(rng.normal(-0.03, 0.05, discounted.sum()), -0.15, 0.08)
    # service beyond the order (dedicated staff, custom delivery, rebates): a few demanding accounts cost a lot
    margin -= np.minimum(rng.lognormal(np.log(SERVICE_SHARE), 1.0, n), 0.35)
    serve_cost = SERVE_COST * rng.lognormal(0.0, 0.45, n) / scale

    industry = rng.choice(len(vocab.INDUSTRIES), n, p=_weights(vocab.INDUSTRY_WEIGHTS))
    industry[public] = vocab.PUBLIC_INDUSTRY
    channel_p = np.where(company[:, None], vocab.CHANNEL_WEIGHTS_COMPANY, vocab.CHANNEL_WEIGHTS_PERSON)
    channel = (rng.random(n)[:, None] > np.cumsum(channel_p, axis=1)).sum(axis=1)
    terms = np.where(company, rng.choice([0, 30, 30, 60, 60, 90], n), 0)
    payer = rng.choice(4, n, p=[0.55, 0.25, 0.10, 0.10])
    return Population(
        first=first,
        ids=text.sequential_ids("C", first + 1, n, id_digits),
        company=company,
        org_level=org_level,
        spend=spend,
        rate=rate * scale,
        created=created,
        active_from=active_from,
        active_to=active_to,
        first_order=first_order,
        margin=margin,
        serve_cost=serve_cost,
        return_rate=return_rate,
        category=rng.integers(0, len(vocab.CATEGORIES), n, dtype=np.int8),
        channel=np.minimum(channel, 3).astype(np.int8),
        region=rng.choice(len(vocab.REGIONS), n, p=_weights(vocab.REGION_WEIGHTS)),
        industry=industry,
        owner=rng.integers(0, len(vocab.OWNERS), n),
        terms=terms,
        payer=payer,
    )


def _weights(weights: tuple[float, ...]) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


def customers_table(rng: np.random.Generator, pop: Population) -> pa.Table:
    """The customers table of a segment (canonical columns, English words)."""
    n = len(pop)
    person = ~pop.company
    surname = rng.integers(0, len(vocab.SURNAMES), n)
    given = rng.integers(0, len(vocab.GIVEN_NAMES), n)
    prefix = rng.integers(0, len(vocab.NAME_PREFIXES), n)
    suffix = rng.integers(0, len(vocab.COMPANY_SUFFIXES), n)
    body = rng.integers(0, len(vocab.PUBLIC_BODIES), n)
    public = pop.org_level >= 0
    name_code = np.where(
        person,
        surname * len(vocab.GIVEN_NAMES) + given,
        np.where(
            public,
            prefix * len(vocab.PUBLIC_BODIES) + body,
            (prefix * len(vocab.INDUSTRIES) + pop.industry) * len(vocab.COMPANY_SUFFIXES) + suffix,
        ),
    )
    names = _customer_names(person, public, name_code)

    birth = rng.integers(-40 * 365, 2 * 365, n)  # born 1960–1971
    area = np.asarray(vocab.ID_AREA_CODES)[pop.region]
    id_number = text.resident_id_numbers(area, birth, rng.integers(0, 1000, n), mask=~person | (rng.random(n) < 0.1))
    phone = text.mobile_numbers(
        rng.choice(vocab.MOBILE_PREFIXES, n), rng.integers(0, 10**8, n), mask=rng.random(n) < 0.08
    )
    handle = text.join(
        text.words([g.lower() for g, _ in vocab.GIVEN_NAMES], given),
        ".",
        text.words([s.lower() for s, _ in vocab.SURNAMES], surname),
    )
    domain = text.join(text.words([p.lower() for p, _ in vocab.NAME_PREFIXES], prefix), ".example.cn")
    mailbox = text.join(text.words(["sales", "info", "purchasing", "office"], rng.integers(0, 4, n)), "@", domain)
    personal = text.join(handle, text.prefixed_ids("", rng.integers(0, 100, n), 2), "@example.com")
    email = pc.if_else(pa.array(person), personal, mailbox)
    email = pc.if_else(pa.array(rng.random(n) < 0.15), pa.scalar(None, pa.string()), email)

    revenue = np.round(pop.spend * rng.lognormal(np.log(20.0), 0.8, n) + rng.lognormal(np.log(1.5e6), 1.0, n), -3)
    employees = np.maximum(1, np.round(revenue / rng.lognormal(np.log(400_000), 0.5, n))).astype(np.int64)
    no_company_facts = person | (rng.random(n) < 0.2)
    return pa.table(
        {
            "customer_id": pop.ids,
            "name": names,
            "kind": text.words(vocab.KINDS, person.astype(np.int8)),
            "industry": text.words([i[0] for i in vocab.INDUSTRIES], pop.industry, mask=person),
            "region": text.words([r for r, _ in vocab.REGIONS], pop.region),
            "owner": text.words(vocab.OWNERS, pop.owner),
            "org_level": text.words(vocab.ORG_LEVELS, np.maximum(pop.org_level, 0), mask=~public),
            "id_number": id_number,
            "phone": phone,
            "email": email,
            "created_at": text.dates(pop.created),
            "annual_revenue": pa.array(revenue, pa.float64(), mask=no_company_facts),
            "employees": pa.array(employees, pa.int64(), mask=no_company_facts),
            "it_status": text.words(
                [w for w, _ in vocab.IT_STATUS],
                rng.integers(0, len(vocab.IT_STATUS), n),
                mask=person | (rng.random(n) < 0.3),
            ),
        }
    )


def name_vocabularies() -> dict[str, tuple[list[str], list[str]]]:
    """All customer and contact names the demo can produce, English and Chinese, aligned by code."""
    person_en = [f"{s} {g}" for s, _ in vocab.SURNAMES for g, _ in vocab.GIVEN_NAMES]
    person_zh = [f"{s}{g}" for _, s in vocab.SURNAMES for _, g in vocab.GIVEN_NAMES]
    public_en = [f"{p} Public {b}" for p, _ in vocab.NAME_PREFIXES for b, _ in vocab.PUBLIC_BODIES]
    public_zh = [f"{p}公共服务{b}" for _, p in vocab.NAME_PREFIXES for _, b in vocab.PUBLIC_BODIES]
    company_en = [
        f"{p} {i[2]} {s}" for p, _ in vocab.NAME_PREFIXES for i in vocab.INDUSTRIES for s, _ in vocab.COMPANY_SUFFIXES
    ]
    company_zh = [
        f"{p}{i[3]}{s}" for _, p in vocab.NAME_PREFIXES for i in vocab.INDUSTRIES for _, s in vocab.COMPANY_SUFFIXES
    ]
    return {"person": (person_en, person_zh), "public": (public_en, public_zh), "company": (company_en, company_zh)}


def _customer_names(person: np.ndarray, public: np.ndarray, code: np.ndarray) -> pa.StringArray:
    """Customer names: each row's code looked up in the person, public-body or company vocabulary."""
    names = name_vocabularies()
    # one combined vocabulary, so a single take builds the column
    offset_public = len(names["person"][0])
    offset_company = offset_public + len(names["public"][0])
    combined = names["person"][0] + names["public"][0] + names["company"][0]
    index = np.where(person, code, np.where(public, offset_public + code, offset_company + code))
    return text.words(combined, index)
