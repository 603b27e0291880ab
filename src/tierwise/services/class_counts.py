"""How many customers the list's total counts, read from counts the store keeps instead of counted again.

The total over everyone is ``customer_changes.customers``, kept by the database's triggers (PostgreSQL's
COUNT of a million rows takes most of a list's time budget). The count of one class of a run is saved with
the run, as follows.

The customer list's total of one class over everyone is a count of the run's customers of that class that
are in ``customers``: a join over every one of them (hundreds of milliseconds at a million). The run's
assignments never change, so the count changes only when customers are added or removed: it is saved with
the run (``run_class_counts``) together with the ``customer_changes.version`` of that moment, which the
database moves on with every insert or delete of customers (and change of id, owner or team). While the
version is the same the saved count is exact and is read; once it has moved on, :func:`saved_class_total`
answers ``None`` and the caller counts through the join as before. The same holds for the count of one
class among one account manager's customers (``run_owner_class_counts``, :func:`saved_owner_class_total`):
an owner filter, or an account manager's own list, with a class.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, insert, literal, select
from sqlalchemy.orm import Session

from tierwise.store.models import Customer
from tierwise.store.run_models import Assignment
from tierwise.store.summary_models import CustomerChanges, RunClassCount, RunOwnerClassCount


def write_class_counts(con: Connection, run_id: int) -> None:
    """Count run ``run_id``'s customers per class among ``customers`` now (one statement: one snapshot, so
    the counts and the version agree); call it after the run's assignments are written."""
    a, c = Assignment, Customer
    version = select(CustomerChanges.version).where(CustomerChanges.id == 1).scalar_subquery()
    counted = (
        select(literal(run_id), a.class_, func.count(c.customer_id), version)
        .select_from(a)
        .outerjoin(c, c.customer_id == a.customer_id)
        .where(a.run_id == run_id)
        .group_by(a.class_)
    )
    columns = [RunClassCount.run_id, RunClassCount.class_, RunClassCount.customers, RunClassCount.customer_version]
    con.execute(insert(RunClassCount).from_select([col.name for col in columns], counted))
    o = RunOwnerClassCount
    per_owner = (
        select(literal(run_id), c.owner, a.class_, func.count(), version)
        .select_from(a)
        .join(c, c.customer_id == a.customer_id)
        .where(a.run_id == run_id, c.owner.is_not(None))
        .group_by(c.owner, a.class_)
    )
    columns = [o.run_id, o.owner, o.class_, o.customers, o.customer_version]
    con.execute(insert(o).from_select([col.name for col in columns], per_owner))


def saved_class_total(session: Session, run_id: int, class_: str) -> int | None:
    """The customers of class ``class_`` in run ``run_id`` (0 for a class the run does not give), when the
    count saved with the run is still exact; ``None`` when none was saved or customers changed since."""
    rows = session.execute(
        select(RunClassCount.class_, RunClassCount.customers, RunClassCount.customer_version == CustomerChanges.version)
        .join(CustomerChanges, CustomerChanges.id == 1)
        .where(RunClassCount.run_id == run_id)
    ).all()
    if not rows or not all(current for _, _, current in rows):
        return None
    return next((int(n) for code, n, _ in rows if code == class_), 0)


def saved_owner_class_total(session: Session, run_id: int, owner: str, class_: str) -> int | None:
    """The customers of account manager ``owner`` with class ``class_`` in run ``run_id``, when the counts
    saved with the run are still exact (as :func:`saved_class_total`); ``None`` when they are not.

    The per-owner counts are written after the class counts in the same transaction: while the class
    counts' version is current no customer changed since, so the per-owner counts saw the same customers.
    """
    if saved_class_total(session, run_id, class_) is None:
        return None
    o = RunOwnerClassCount
    row = session.execute(
        select(o.customers, o.customer_version == CustomerChanges.version)
        .join(CustomerChanges, CustomerChanges.id == 1)
        .where(o.run_id == run_id, o.owner == owner, o.class_ == class_)
    ).first()
    if row is None:
        return 0
    return int(row[0]) if row[1] else None


def customer_total(session: Session) -> int:
    """How many customers the store holds (kept by triggers in every writing transaction: exact, one row)."""
    return int(session.execute(select(CustomerChanges.customers).where(CustomerChanges.id == 1)).scalar_one())
