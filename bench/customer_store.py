"""A store of a million customers for the customer-list benchmark, built by bulk insert and cached.

:func:`built_store` makes (once) a SQLite file under ``bench/data/customer_list/`` or a PostgreSQL database
holding ``n`` seeded customers (Chinese names, 31 regions, 20 industries, 200 account managers in 20
teams; phone, id number and e-mail sealed under a bench key as an import seals them), the china-post
policy with two saved runs over every customer (classes, labels, ranks, reasons, 12-month sales and
profit) and the run summaries the dashboard reads, and three users: an analyst (sees everyone), a manager
(team ``team01``) and an account manager (``am001``). The store's tables come from the migrations; the
rows go in with the database's own bulk path (``executemany`` in one SQLite transaction, ``COPY`` on
PostgreSQL) with the secondary indexes dropped during the load and rebuilt after, which is minutes for a
million rows where the row-by-row import takes far longer. A store is reused while its recorded size and
seed match (one at an older migration is upgraded).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
from sqlalchemy import create_engine, text

from tierwise.analytics.classify.policy import policy_text
from tierwise.config import Settings
from tierwise.security.pii import Keyring, new_key_entry
from tierwise.services.context import ServiceContext
from tierwise.services.run_summaries import summarise_run, write_run_summary
from tierwise.services.users import create_user
from tierwise.store.db import create_store_engine, session_factory, store_url
from tierwise.store.schema import ensure_schema, head_revision, upgrade
from tierwise.store.sealed import seal_batch

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "customer_list"
SEED = 12
OWNERS = 200
TEAM_SIZE = 10
REGIONS = [
    "北京",
    "天津",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "吉林",
    "黑龙江",
    "上海",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "重庆",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
]
INDUSTRIES = [
    "制造",
    "零售",
    "批发",
    "物流",
    "金融",
    "保险",
    "电信",
    "能源",
    "化工",
    "医药",
    "教育",
    "政府",
    "建筑",
    "地产",
    "农业",
    "食品",
    "汽车",
    "电子",
    "传媒",
    "旅游",
]
FIRST = [
    "华",
    "恒",
    "盛",
    "鑫",
    "泰",
    "瑞",
    "德",
    "兴",
    "宏",
    "永",
    "信",
    "安",
    "嘉",
    "隆",
    "丰",
    "博",
    "金",
    "银",
    "海",
    "天",
    "中",
    "东",
    "南",
    "新",
    "和",
    "正",
    "达",
    "远",
    "润",
    "祥",
]
SECOND = [
    "通",
    "发",
    "源",
    "利",
    "昌",
    "诚",
    "辉",
    "茂",
    "科",
    "联",
    "创",
    "晟",
    "宇",
    "汇",
    "腾",
    "翔",
    "益",
    "合",
    "星",
    "悦",
]
TRADES = ["贸易", "科技", "实业", "物流", "电子", "食品", "建设", "医药", "能源", "传媒", "化工", "机械"]
SURNAMES = [
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "吴",
    "周",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
    "何",
    "高",
    "林",
    "罗",
]
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀",
    "霞",
    "平",
]
CLASS_BOUNDS = (("diamond", 5_000_000.0), ("platinum", 1_000_000.0), ("gold", 500_000.0), ("vip", 10_000.0))
LABELS = {"diamond": "diamond", "platinum": "platinum", "gold": "gold", "vip": "VIP", "standard": "standard"}
CUSTOMER_COLUMNS = [
    "customer_id", "name", "kind", "industry", "region", "owner", "team", "org_level",
    "id_number", "phone", "email", "id_number_hash", "phone_hash", "email_hash", "created_at",
]  # fmt: skip
ASSIGNMENT_COLUMNS = [
    "run_id", "customer_id", "class", "computed_class", "label", "score", "rank", "reasons", "sales", "profit",
]  # fmt: skip
USERS = {"analyst": ("analyst", None), "mgr01": ("manager", "team01"), "am001": ("account_manager", "team01")}


@dataclass(frozen=True)
class BenchStore:
    """A built store: its URL, the key its personal data is sealed with, the users' password, its size."""

    url: str
    secret_key: str
    password: str
    customers: int


def owner_name(index: int) -> str:
    """The account manager ``index`` (0-based) of the seeded book: ``am001`` …"""
    return f"am{index + 1:03d}"


def team_name(owner_index: int) -> str:
    """The team of account manager ``owner_index``: ten to a team, ``team01`` …"""
    return f"team{owner_index // TEAM_SIZE + 1:02d}"


def customers_table(n: int, start: int, count: int, rng: np.random.Generator) -> pa.Table:
    """Customers ``start`` … ``start + count - 1`` of the seeded book (personal data in plain text)."""
    ids = np.arange(start, start + count)
    company = rng.random(count) < 0.7
    pick = lambda values: np.asarray(values, dtype=object)[rng.integers(0, len(values), count)]  # noqa: E731
    company_names = pick(REGIONS) + pick(FIRST) + pick(SECOND) + pick(TRADES) + "有限公司"
    person_names = pick(SURNAMES) + pick(GIVEN) + pick(GIVEN)
    owners = rng.integers(0, OWNERS, count)
    phones = np.char.add("1", np.char.zfill(rng.integers(3_000_000_000, 9_999_999_999, count).astype(str), 10))
    births = rng.integers(0, 18_000, count)
    id_numbers = [
        f"{110101 + (i % 900):06d}{(dt.date(1950, 1, 1) + dt.timedelta(days=int(b))):%Y%m%d}{i % 1000:03d}X"
        for i, b in zip(ids, births, strict=True)
    ]
    return pa.table(
        {
            "customer_id": [f"C{i:07d}" for i in ids],
            "name": np.where(company, company_names, person_names).tolist(),
            "kind": np.where(company, "company", "person").tolist(),
            "industry": np.where(company, pick(INDUSTRIES), None).tolist(),
            "region": pick(REGIONS).tolist(),
            "owner": [owner_name(o) for o in owners],
            "team": [team_name(o) for o in owners],
            "org_level": pa.nulls(count, pa.string()),
            "id_number": [v if not c else None for v, c in zip(id_numbers, company, strict=True)],
            "phone": phones.tolist(),
            "email": [f"c{i}@example.com" if c else None for i, c in zip(ids, company, strict=True)],
            "created_at": [dt.date(2015, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 3650, count)],
        }
    )


def class_of(sales: np.ndarray) -> np.ndarray:
    """The china-post class of each 12-month sales figure (the thresholds criterion)."""
    out = np.full(sales.shape, "standard", dtype=object)
    for code, bound in reversed(CLASS_BOUNDS):
        out[sales >= bound] = code
    return out


def assignments_table(run_id: int, ids: list[str], sales: np.ndarray, profit: np.ndarray) -> pa.Table:
    """One run's assignments: class by sales, rank 1 = the biggest spender, the reason as the policy words it."""
    classes = class_of(sales)
    order = np.argsort(-sales, kind="stable")
    rank = np.empty(len(sales), dtype=np.int64)
    rank[order] = np.arange(1, len(sales) + 1)
    reasons = [json.dumps([f"12-month spend {s:,.0f}"], ensure_ascii=False) for s in sales]
    return pa.table(
        {
            "run_id": pa.array(np.full(len(ids), run_id)),
            "customer_id": ids,
            "class": classes.tolist(),
            "computed_class": classes.tolist(),
            "label": [LABELS[c] for c in classes],
            "score": sales,
            "rank": rank,
            "reasons": reasons,
            "sales": sales,
            "profit": profit,
        }
    )


def _secondary_indexes_sqlite(con: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,)
    ).fetchall()


def _load_sqlite(path: Path, tables: dict[str, list[pa.Table]]) -> None:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-524288")
    for table, parts in tables.items():
        indexes = _secondary_indexes_sqlite(con, table)
        for name, _ in indexes:
            con.execute(f'DROP INDEX "{name}"')
        con.execute("BEGIN")
        for part in parts:
            columns = part.column_names
            marks = ", ".join("?" * len(columns))
            quoted = ", ".join(f'"{c}"' for c in columns)
            rows = zip(*(part.column(c).to_pylist() for c in columns), strict=True)
            con.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})', rows)
        con.execute("COMMIT")
        for _, sql in indexes:
            con.execute(sql)
    con.execute("ANALYZE")
    con.close()


def _load_postgres(url: str, tables: dict[str, list[pa.Table]]) -> None:
    import psycopg
    import pyarrow.csv as pacsv

    plain = store_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain) as con:
        for table, parts in tables.items():
            indexes = con.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                (table,),
            ).fetchall()
            for name, _ in indexes:
                con.execute(f'DROP INDEX "{name}"')
            for part in parts:
                buffer = io.BytesIO()
                pacsv.write_csv(part, buffer, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
                quoted = ", ".join(f'"{c}"' for c in part.column_names)
                with con.cursor().copy(f'COPY "{table}" ({quoted}) FROM STDIN (FORMAT csv)') as copy:
                    copy.write(buffer.getvalue())
            for _, sql in indexes:
                con.execute(sql)
            con.commit()
        con.autocommit = True
        con.execute("VACUUM ANALYZE")  # as autovacuum does after a bulk load: statistics and the visibility map


def _marker(url: str) -> Path:
    return DATA / (hashlib.sha256(url.encode()).hexdigest()[:12] + ".json")


def built_store(url: str, n: int) -> BenchStore:
    """The store at ``url`` with ``n`` customers, built now unless the last build there matches."""
    marker = _marker(url)
    expected = {"url": url, "customers": n, "seed": SEED, "migration": head_revision()}
    if marker.exists():
        saved = json.loads(marker.read_text())
        same = {k: saved.get(k) for k in expected if k != "migration"} == {
            k: v for k, v in expected.items() if k != "migration"
        }
        if same and _still_there(url, n):
            if saved.get("migration") != expected["migration"]:  # a newer tierwise: its migrations, not a rebuild
                engine = create_store_engine(url)
                upgrade(engine)
                engine.dispose()
                marker.write_text(json.dumps({**saved, "migration": expected["migration"]}))
            return BenchStore(url, saved["secret_key"], saved["password"], n)
    DATA.mkdir(parents=True, exist_ok=True)
    secret_key, password = new_key_entry(), secrets.token_urlsafe(18)
    build(url, n, secret_key, password)
    marker.write_text(json.dumps({**expected, "secret_key": secret_key, "password": password}))
    return BenchStore(url, secret_key, password, n)


def _still_there(url: str, n: int) -> bool:
    try:
        engine = create_engine(store_url(url))
        with engine.connect() as con:
            found = con.execute(text("SELECT count(*) FROM customers")).scalar_one()
        engine.dispose()
        return found == n
    except Exception:  # noqa: BLE001 - a missing file or database means: build it again
        return False


def build(url: str, n: int, secret_key: str, password: str) -> None:
    """Fill the empty store at ``url`` (made empty first) with the seeded book of ``n`` customers."""
    _empty(url)
    engine = create_store_engine(url)
    ensure_schema(engine)
    settings = Settings(database_url=url, secret_key=secret_key)
    ctx = ServiceContext.system(settings, sessions=session_factory(engine))
    for name, (role, team) in USERS.items():
        create_user(ctx, name, role=role, password=password, team=team)
    keyring = Keyring.parse(secret_key)
    rng = np.random.default_rng(SEED)
    chunk = 100_000
    customers = []
    for start in range(0, n, chunk):
        part = customers_table(n, start, min(chunk, n - start), rng)
        sealed = pa.Table.from_batches([seal_batch(b, "customers", keyring) for b in part.to_batches()])
        customers.append(sealed.select(CUSTOMER_COLUMNS))
    ids = [i for part in customers for i in part.column("customer_id").to_pylist()]
    sales_before = np.round(rng.lognormal(9.5, 2.2, n), 2)
    sales = np.round(sales_before * rng.lognormal(0.0, 0.3, n), 2)
    profit = np.round(sales * rng.normal(0.08, 0.15, n), 2)
    policy, _ = policy_text("china-post")
    with engine.begin() as con:
        policy_id = con.execute(
            text(
                "INSERT INTO policies (name, version, text, hash, created_at, created_by) "
                "VALUES ('china-post', '1', :t, :h, :now, 'bench') RETURNING id"
            ),
            {"t": policy, "h": hashlib.sha256(policy.encode()).hexdigest(), "now": dt.datetime.now(dt.UTC)},
        ).scalar_one()
        run_ids = [
            con.execute(
                text(
                    "INSERT INTO runs (policy_id, as_of, data_source, data_fingerprint, engine, actor, created_at, "
                    "customer_count) VALUES (:p, :d, 'bench', :f, 'duckdb', 'analyst', :now, :n) RETURNING id"
                ),
                {"p": policy_id, "d": as_of, "f": f"bench-{SEED}-{n}", "now": dt.datetime.now(dt.UTC), "n": n},
            ).scalar_one()
            for as_of in (dt.date(2025, 6, 30), dt.date(2025, 12, 31))
        ]
    runs = [
        assignments_table(run_ids[0], ids, sales_before, np.round(sales_before * 0.08, 2)),
        assignments_table(run_ids[1], ids, sales, profit),
    ]
    engine.dispose()
    tables = {"customers": customers, "assignments": [r.select(ASSIGNMENT_COLUMNS) for r in runs]}
    if url.startswith("sqlite"):
        _load_sqlite(Path(store_url(url).database or ""), tables)
    else:
        _load_postgres(url, tables)
    owners = pa.concat_tables(customers).select(["customer_id", "owner", "team"])
    engine = create_store_engine(url)
    with engine.begin() as con:
        for index, run in enumerate(runs):
            values = run.select(["customer_id", "sales", "profit"])
            previous = runs[index - 1] if index else None
            summary = summarise_run(run, values, owners, previous)
            write_run_summary(con, run_ids[index], run_ids[index - 1] if index else None, summary)
    engine.dispose()


def _empty(url: str) -> None:
    parsed = store_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = parsed.database
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        con.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
