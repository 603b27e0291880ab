"""Vectorised construction of Arrow string columns: identifiers, identity numbers, phone numbers, words.

Strings are assembled as byte matrices in numpy and handed to Arrow as buffers, so a column of fifty
million identifiers costs a few numpy operations and no Python object per row.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
_EPOCH = np.datetime64("1970-01-01", "D")


def digit_matrix(numbers: np.ndarray, width: int) -> np.ndarray:
    """ASCII digits of non-negative integers, zero-padded to ``width``: an ``(n, width)`` uint8 matrix."""
    numbers = np.asarray(numbers, dtype=np.int64)
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((numbers[:, None] // powers) % 10 + ord("0")).astype(np.uint8)


def fixed_text(matrix: np.ndarray, mask: np.ndarray | None = None) -> pa.StringArray:
    """An Arrow string array whose row ``i`` is the ASCII/UTF-8 bytes of ``matrix[i]``.

    ``mask`` (True = null) blanks rows out.
    """
    matrix = np.ascontiguousarray(matrix, dtype=np.uint8)
    n, width = matrix.shape
    if n * width >= 2**31:
        raise ValueError(f"{n} strings of {width} bytes do not fit one Arrow string array")
    offsets = np.arange(n + 1, dtype=np.int32) * np.int32(width)
    array = pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(matrix.tobytes()))
    if mask is not None:
        array = pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), array)
    return array


def prefixed_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.StringArray:
    """Identifiers such as ``C000042``: ``prefix`` then the number zero-padded to ``width`` digits.

    >>> prefixed_ids("C", np.array([42]), 6).to_pylist()
    ['C000042']
    """
    # 10**width + number is a one followed by the zero-padded digits; the one becomes the prefix
    padded = pc.cast(pa.array(np.asarray(numbers, dtype=np.int64) + 10**width), pa.string())
    return pc.binary_replace_slice(padded, 0, 1, prefix)


_BLOCK = 5
_BLOCK_DIGITS = digit_matrix(np.arange(10**_BLOCK), _BLOCK)  # "00000" … "99999", 500 kB


def sequential_ids(prefix: str, first: int, count: int, width: int) -> pa.StringArray:
    """Identifiers ``prefix`` + zero-padded ``first``, ``first + 1`` … (``count`` of them, ``width`` digits).

    Consecutive numbers share their high digits and cycle through their low ones, so the digits are
    tiled and repeated blocks rather than computed number by number.

    >>> sequential_ids("T", 99_999, 2, 10).to_pylist()
    ['T0000099999', 'T0000100000']
    """
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    p, low = len(head), min(width, _BLOCK)
    matrix = np.empty((count, p + width), dtype=np.uint8)
    matrix[:, :p] = head
    start = first % 10**_BLOCK
    tiles = -(-(start + count) // 10**_BLOCK)
    matrix[:, p + width - low :] = np.tile(_BLOCK_DIGITS[:, _BLOCK - low :], (tiles, 1))[start : start + count]
    if width > _BLOCK:
        high = np.arange(first // 10**_BLOCK, (first + max(count, 1) - 1) // 10**_BLOCK + 1)
        ends = np.clip((high + 1) * 10**_BLOCK, first, first + count)
        runs = np.diff(ends, prepend=first)
        matrix[:, p : p + width - _BLOCK] = np.repeat(digit_matrix(high, width - _BLOCK), runs, axis=0)
    return fixed_text(matrix)


def id_width(count: int, minimum: int = 6) -> int:
    """Digits needed to number ``count`` items (at least ``minimum``)."""
    return max(minimum, len(str(max(count, 1))))


def resident_id_numbers(
    area_codes: np.ndarray, birth_days: np.ndarray, sequence: np.ndarray, mask: np.ndarray | None = None
) -> pa.StringArray:
    """18-character resident identity numbers (GB 11643): area, birth date, sequence, ISO 7064 check digit.

    ``birth_days`` are days since 1970-01-01; ``sequence`` is 0–999.
    """
    births = (_EPOCH + birth_days.astype("timedelta64[D]")).astype("datetime64[D]")
    years = births.astype("datetime64[Y]").astype(np.int64) + 1970
    months = births.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (births - births.astype("datetime64[M]")).astype(np.int64) + 1
    yyyymmdd = years * 10_000 + months * 100 + days
    body = np.hstack([digit_matrix(area_codes, 6), digit_matrix(yyyymmdd, 8), digit_matrix(sequence, 3)])
    check = _ID_CHECK[((body - ord("0")).astype(np.int64) @ _ID_WEIGHTS) % 11]
    return fixed_text(np.hstack([body, check[:, None]]), mask)


def mobile_numbers(prefixes: np.ndarray, subscriber: np.ndarray, mask: np.ndarray | None = None) -> pa.StringArray:
    """11-digit mainland mobile numbers: a 3-digit carrier prefix and an 8-digit subscriber number."""
    numbers = pa.array(np.asarray(prefixes, dtype=np.int64) * 10**8 + subscriber, mask=mask)
    return pc.cast(numbers, pa.string())


def words(vocabulary: Sequence[str], codes: np.ndarray, mask: np.ndarray | None = None) -> pa.StringArray:
    """The word at each code of a small vocabulary (``mask`` True = null)."""
    array = pa.array(list(vocabulary), pa.string()).take(pa.array(codes, pa.int32()))
    if mask is not None:
        array = pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), array)
    return array


def join(*parts: pa.Array | str) -> pa.StringArray:
    """Element-wise concatenation of string arrays and literal strings."""
    return pc.binary_join_element_wise(*parts, "")


def dates(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """A date32 array from days since 1970-01-01 (``mask`` True = null)."""
    return pa.array(np.asarray(days, dtype=np.int32), pa.date32(), mask=mask)
