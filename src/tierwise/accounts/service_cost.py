"""What to do about a customer whose profit after cost-to-serve stays negative (Sherden's 80/20/30): the
suggested action and the reasons, for a manager to decide.

The suggestion follows what eats the profit over the loss periods: no gross profit at all and nothing
given away → exit; discounts or financing the largest cost → renegotiate terms; visits the largest →
reduce the service level; orders or complaints the largest → move to a self-service channel.

>>> suggest(gross_profit=-10, discounts=0, order_cost=5, visit_cost=0, complaint_cost=0, financing_cost=0)
<Action.EXIT: 'exit'>
>>> suggest(gross_profit=900, discounts=20, order_cost=100, visit_cost=1200, complaint_cost=0, financing_cost=10)
<Action.REDUCE_SERVICE: 'reduce_service_level'>
"""

from __future__ import annotations

from enum import StrEnum

from tierwise.i18n import N_


class Action(StrEnum):
    """A manager's choice for a customer that costs more than it brings."""

    REDUCE_SERVICE = "reduce_service_level"
    SELF_SERVICE = "self_service_channel"
    RENEGOTIATE = "renegotiate_terms"
    EXIT = "exit"
    KEEP = "keep"  # the manager may decide to keep serving it as it is (a strategic customer)


ACTION_NAMES = {
    Action.REDUCE_SERVICE: N_("reduce the service level"),
    Action.SELF_SERVICE: N_("move to a self-service channel"),
    Action.RENEGOTIATE: N_("renegotiate terms"),
    Action.EXIT: N_("exit"),
    Action.KEEP: N_("keep as it is"),
}


def suggest(
    *,
    gross_profit: float,
    discounts: float,
    order_cost: float,
    visit_cost: float,
    complaint_cost: float,
    financing_cost: float,
) -> Action:
    """The suggested action for the sums over the loss periods."""
    if gross_profit <= 0 and discounts <= 0:
        return Action.EXIT
    costs = {
        Action.RENEGOTIATE: max(discounts, financing_cost),
        Action.REDUCE_SERVICE: visit_cost,
        Action.SELF_SERVICE: max(order_cost, complaint_cost),
    }
    return max(costs, key=lambda a: (costs[a], -list(costs).index(a)))
