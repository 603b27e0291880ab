"""tierwise: which customers matter most, why, and what to do about each of them."""

__version__ = "0.1.0"

from tierwise import ibis_compilers as _ibis_compilers

_ibis_compilers.install()
