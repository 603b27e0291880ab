"""Walk-in triage (厅堂识别分流): route a bank-lobby walk-in to the VIP, potential-VIP or ordinary flow.

Pure decisions: nothing here reads or writes anything except the policy file it is asked to load.

>>> policy = load_triage_policy("bank-lobby")
>>> triage({"vip_card": True, "business": "deposit", "amount": 800}, policy).next_step_code
'vip_area'
"""

from tierwise.triage.decide import triage
from tierwise.triage.policy import TriagePolicy, load_triage_policy, shipped_triage_policies
from tierwise.triage.walk_in import Decision, WalkIn

__all__ = [
    "Decision",
    "TriagePolicy",
    "WalkIn",
    "decide_many",
    "load_triage_policy",
    "shipped_triage_policies",
    "triage",
]


def __getattr__(name: str):
    # the batch path needs pandas and pyarrow; import them only when it is used, so one decision starts fast
    if name == "decide_many":
        from tierwise.triage.batch import decide_many

        return decide_many
    raise AttributeError(f"module 'tierwise.triage' has no attribute {name!r}")
