"""tierwise: which customers matter most, why, and what to do about each of them."""

__version__ = "0.1.0"
