"""The mutation a fuzz example applies to a parser's seed (shared by the M6 tests and
``bench/fuzz_parsers.py``): a few edits - flip a bit, overwrite a byte, delete a run, insert
random bytes, duplicate a run, cut the tail - or, one example in eight, bytes unrelated to
the seed."""

from __future__ import annotations

from hypothesis import strategies as st

_EDIT = st.tuples(
    st.sampled_from(["flip", "set", "delete", "insert", "duplicate", "cut"]),
    st.integers(0, 2**31),
    st.integers(0, 255),
    st.binary(min_size=1, max_size=16),
)


def mutate(seed: bytes, edits: list[tuple[str, int, int, bytes]]) -> bytes:
    data = bytearray(seed)
    for kind, position, value, blob in edits:
        at = position % (len(data) + 1)
        if kind == "flip" and data:
            data[min(at, len(data) - 1)] ^= 1 << (value % 8)
        elif kind == "set" and data:
            data[min(at, len(data) - 1)] = value
        elif kind == "delete":
            del data[at : at + 1 + value % 64]
        elif kind == "insert":
            data[at:at] = blob
        elif kind == "duplicate":
            data[at:at] = data[at : at + 1 + value]
        elif kind == "cut":
            del data[at:]
    return bytes(data)


def inputs(seed: bytes) -> st.SearchStrategy[bytes]:
    mutated = st.lists(_EDIT, min_size=1, max_size=4).map(lambda e: mutate(seed, e))
    return st.one_of(
        mutated, mutated, mutated, mutated, mutated, mutated, mutated, st.binary(max_size=512)
    )
