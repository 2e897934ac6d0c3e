"""Work-arounds for defects of the PySide6 release we ship (6.12), each with its reproduction.

**None loses a reference per invalid QVariant returned to Python.** When C++ hands Python an
invalid ``QVariant`` (``QModelIndex.data()`` of a role a model has no value for, which our
models answer with ``None``), shiboken converts it to ``None`` without taking a reference;
each such call lowers ``None``'s reference count by one (measured: 100 calls of
``index.data(Qt.ToolTipRole)`` -> 100 fewer). On Python 3.11, ``None`` is not immortal:
once its count reaches zero the interpreter aborts with "none_dealloc: deallocating None"
(seen after a long UI test run, and at exit). Python 3.12 makes ``None`` immortal; here we
give it a reference count no session can use up, which is what immortality amounts to.
"""

from __future__ import annotations

import ctypes
import sys

_MARGIN = 1 << 40
"""Far more than any process can lose: a million leaked references a second for 12 days."""


def keep_none_alive() -> None:
    """Make ``None``'s reference count unreachable by the leak (idempotent; a no-op where
    ``None`` is immortal)."""
    if sys.version_info >= (3, 12):
        return
    count = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt, the first field of PyObject
    if count.value < _MARGIN:
        count.value += _MARGIN
