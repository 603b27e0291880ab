"""Settings: the one place configuration comes from (environment variables with the ``TIERWISE_`` prefix).

Create a ``Settings`` where the program starts and pass it down; nothing reads the environment at import.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime settings, read from ``TIERWISE_*`` environment variables.

    >>> Settings(engine="duckdb").engine
    'duckdb'
    """

    model_config = SettingsConfigDict(env_prefix="TIERWISE_", extra="ignore")

    engine: Literal["duckdb", "spark"] = "duckdb"
    duckdb_database: str = Field(":memory:", description="DuckDB database file, or :memory:")
    duckdb_threads: int | None = Field(None, description="DuckDB worker threads; default all cores")
    duckdb_memory_limit: str | None = Field(None, description="DuckDB memory limit, e.g. '4GB'")
    duckdb_temp_directory: Path | None = Field(None, description="Where DuckDB spills when memory is short")
    duckdb_extension_directory: Path | None = Field(
        None, description="Where the shipped DuckDB extensions are linked (default: the user's cache folder)"
    )
    spark_master: str = Field("local[*]", description="Spark master, e.g. local[*] or spark://host:7077")
    spark_remote: str | None = Field(None, description="Spark Connect URL, e.g. sc://host:15002")
    spark_driver_memory: str = Field(
        "4g", description="JVM heap of the Spark driver in local mode (Spark's own 1g runs out at ~400k customers)"
    )
    first_plausible_date: dt.date = Field(
        dt.date(1900, 1, 1), description="Dates before this are errors in the data (a mistyped year)"
    )
    last_plausible_date: dt.date = Field(
        dt.date(2100, 12, 31), description="Dates after this are errors in the data (a mistyped year)"
    )
    lang: Literal["en", "zh"] = Field("en", description="Language of messages, reasons and reports: en or zh")
    bilingual: bool = Field(False, description="Show the English of every error after the chosen language's")
    database_url: str = Field(
        "sqlite:///tierwise.db",
        description="SQLAlchemy URL of the store: a SQLite file (default, in the working folder) or "
        "postgresql+psycopg://user@host/db",
    )
    database_lock_timeout: float = Field(
        60.0, description="Seconds a write waits for another writer (an import) before giving up"
    )
    # alerts (tierwise alerts; see tierwise.archive.alerts for what each bound means)
    alert_key_policies: list[str] = Field(
        ["key-account"], description="Policies whose saved runs mark key accounts (a downgrade is an alert)"
    )
    alert_value_policy: str = Field("clv", description="Policy whose best class is the high-value customers")
    alert_p_alive_below: float = Field(0.5, gt=0, le=1, description="A high-value customer under this P(alive)")
    alert_complaint_open_days: int = Field(14, ge=0, description="A complaint unresolved more than this many days")
    alert_receivable_overdue_days: int = Field(30, ge=0, description="An invoice unpaid this many days past due")
    alert_csat_drop: int = Field(1, ge=1, description="A CSAT score this much lower than the previous survey")
    alert_nps_drop: int = Field(2, ge=1, description="An NPS answer this much lower than the previous survey")
    alert_decision_roles: list[str] = Field(
        ["decision_maker", "budget_holder"], description="Purchase roles a key account must have a contact for"
    )
    alert_supporter_days: int = Field(90, ge=0, description="A supporter not met for more than this many days")
    # -- security and the API server (docs/security.md) --
    secret_key: SecretStr | None = Field(
        None, description="PII keyring: 'id:base64key' entries, comma-separated, the first one encrypts"
    )
    dev: bool = Field(False, description="Development mode: the server may start without a secret key")
    login_max_failures: int = Field(5, ge=1, description="Failed logins in a row that lock an account")
    login_lock_minutes: int = Field(15, ge=1, description="How long a locked account stays locked")
    login_ip_max_failures: int = Field(20, ge=1, description="Failed logins from one address per window")
    session_hours: int = Field(12, ge=1, description="How long a web sign-in lasts (the session cookie's life)")
    token_days: int | None = Field(
        None, ge=1, description="Default life of a new personal access token in days (none: until revoked)"
    )
    new_password: SecretStr | None = Field(
        None, description="The password of the user 'tierwise user create' makes (else it asks for it)"
    )
