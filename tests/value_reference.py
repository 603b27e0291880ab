"""High-precision references for the value models, written from the papers' formulas with mpmath.

Nothing here calls tierwise: each function is the published closed form, evaluated at 50 digits, so a
test compares the implementation with the formula rather than with itself. At a = 1 the BG/NBD and
MBG/NBD closed forms are 0/0; the references then evaluate at a = 1 + 1e-30, where 50 digits leave 20
exact ones.
"""

from __future__ import annotations

import mpmath as mp

mp.mp.dps = 50
_AT_ONE = mp.mpf(1) + mp.mpf(10) ** -30


def _mp(*values):
    return [mp.mpf(v) for v in values]


def _a(a):
    return _AT_ONE if a == 1 else mp.mpf(a)


def bgnbd_conditional_expected(r, alpha, a, b, t, x, t_x, big_t):
    """E[Y(t) | x, t_x, T] of the BG/NBD (Fader, Hardie & Lee 2005, eq. 10)."""
    r, alpha, b, t, x, t_x, big_t = _mp(r, alpha, b, t, x, t_x, big_t)
    a = _a(a)
    z = t / (alpha + big_t + t)
    head = (a + b + x - 1) / (a - 1)
    head *= 1 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * mp.hyp2f1(r + x, b + x, a + b + x - 1, z)
    odds = a / (b + x - 1) * ((alpha + big_t) / (alpha + t_x)) ** (r + x) if x > 0 else 0
    return head / (1 + odds)


def bgnbd_cohort(r, alpha, a, b, t):
    """E[X(t)] of the BG/NBD (eq. 9)."""
    r, alpha, b, t = _mp(r, alpha, b, t)
    a = _a(a)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * mp.hyp2f1(r, b, a + b - 1, t / (alpha + t)))


def mbgnbd_conditional_expected(r, alpha, a, b, t, x, t_x, big_t):
    """E[Y(t) | x, t_x, T] of the MBG/NBD (Batislam, Denizel & Filiztekin 2007)."""
    r, alpha, b, t, x, t_x, big_t = _mp(r, alpha, b, t, x, t_x, big_t)
    a = _a(a)
    z = t / (alpha + big_t + t)
    head = (a + b + x) / (a - 1)
    head *= 1 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * mp.hyp2f1(r + x, b + x + 1, a + b + x, z)
    odds = a / (b + x) * ((alpha + big_t) / (alpha + t_x)) ** (r + x)
    return head / (1 + odds)


def mbgnbd_cohort(r, alpha, a, b, t):
    """E[X(t)] of the MBG/NBD."""
    r, alpha, b, t = _mp(r, alpha, b, t)
    a = _a(a)
    return b / (a - 1) * (1 - (alpha / (alpha + t)) ** r * mp.hyp2f1(r, b + 1, a + b, t / (alpha + t)))
