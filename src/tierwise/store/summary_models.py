"""Run summaries, written with each saved run so the dashboard reads a few rows instead of recomputing.

``run_totals``: customers, 12-month sales and profit per owner, team and class; ``run_moves``: how many
customers of each owner and team went from one class to another since the previous run of the same
policy; ``run_curves``: the whale curve of all the run's customers (cumulative profit share against
customer share, best customers first). Totals and moves add up over owners exactly, so any viewer's
dashboard is a sum over the owners and teams they may see.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tierwise.store.models import Base, JsonDocument


class RunTotal(Base):
    """One owner's, team's and class's customers, sales and profit in a run."""

    __tablename__ = "run_totals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    owner: Mapped[str | None] = mapped_column(String(200))
    team: Mapped[str | None] = mapped_column(String(200))
    class_: Mapped[str] = mapped_column("class", String(100))
    customers: Mapped[int] = mapped_column(BigInteger)
    sales: Mapped[float | None] = mapped_column(Float)
    profit: Mapped[float | None] = mapped_column(Float)


class RunMove(Base):
    """How many of one owner's and team's customers went from ``from_class`` to ``to_class``."""

    __tablename__ = "run_moves"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    previous_run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    owner: Mapped[str | None] = mapped_column(String(200))
    team: Mapped[str | None] = mapped_column(String(200))
    from_class: Mapped[str] = mapped_column(String(100))
    to_class: Mapped[str] = mapped_column(String(100))
    customers: Mapped[int] = mapped_column(BigInteger)


class RunCurve(Base):
    """The whale curve of all a run's customers: ``points`` are ``[customer share, profit share]`` pairs."""

    __tablename__ = "run_curves"
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    customers: Mapped[int] = mapped_column(BigInteger)
    points: Mapped[list[Any]] = mapped_column(JsonDocument)


class RunClassCount(Base):
    """How many of a run's customers of one class were in ``customers`` when the run was saved, with the
    ``customer_changes.version`` of that moment: exact for as long as the version has not moved on."""

    __tablename__ = "run_class_counts"
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    class_: Mapped[str] = mapped_column("class", String(100), primary_key=True)
    customers: Mapped[int] = mapped_column(BigInteger)
    customer_version: Mapped[int] = mapped_column(BigInteger)


class RunOwnerClassCount(Base):
    """How many of a run's customers of one class one account manager had in ``customers`` when the run was
    saved (no row: none), with the ``customer_changes.version`` of that moment (migration 0016)."""

    __tablename__ = "run_owner_class_counts"
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200), primary_key=True)
    class_: Mapped[str] = mapped_column("class", String(100), primary_key=True)
    customers: Mapped[int] = mapped_column(BigInteger)
    customer_version: Mapped[int] = mapped_column(BigInteger)


class CustomerChanges(Base):
    """One row (``id`` 1), kept by database triggers in the writing transaction (migration 0014):
    ``customers`` is how many customers there are; ``version`` moves on with every insert or delete of
    customers and every change of a customer's id, owner or team, so a count saved with a version is known
    to be still exact while the version is the same."""

    __tablename__ = "customer_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    customers: Mapped[int] = mapped_column(BigInteger)


class RunScopeCurve(Base):
    """The Pareto and whale curves of one viewer scope's customers in a run (``scope``: the owners and
    teams seen, as ``services/scope_curves.py`` writes it), drawn when the run was saved, with the
    ``customer_changes.version`` of that moment."""

    __tablename__ = "run_scope_curves"
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    scope: Mapped[str] = mapped_column(Text, primary_key=True)
    customer_version: Mapped[int] = mapped_column(BigInteger)
    points: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
