"""Key-account work kept per customer (the customer archive): pure rules, no store, no engine.

The month and its working days (:mod:`.months`), when a customer is due for contact (:mod:`.contact`),
a salesperson's month scaled to real counts (:mod:`.allocation`), the complaint life cycle
(:mod:`.complaints`), survey scores (:mod:`.surveys`) and the alert vocabulary (:mod:`.alerts`). The
services in :mod:`tierwise.services` read the store and apply these rules set-based.
"""
