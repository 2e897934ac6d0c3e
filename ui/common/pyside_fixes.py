"""Work-arounds for defects of the PySide6 release we ship (6.12), each with its reproduction.

**None loses a reference per invalid QVariant returned to Python.** When C++ hands Python an
invalid ``QVariant`` (``QModelIndex.data()`` of a role a model has no value for, which our
models answer with ``None``), shiboken converts it to ``None`` without taking a reference;
each such call lowers ``None``'s reference count by one (measured: 100 calls of
``index.data(Qt.ToolTipRole)`` -> 100 fewer). On Python 3.11, ``None`` is not immortal:
once its count reaches zero the interpreter aborts with "none_dealloc: deallocating None"
(seen after a long UI test run, and at exit). Python 3.12 makes ``None`` immortal; here we
give it a reference count no session can use up, which is what immortality amounts to.

The count is written through ``_ctypes``, the extension module :mod:`ctypes` is built on,
with the one C type it needs (``Py_ssize_t``, declared exactly as :mod:`ctypes` declares its
``c_ssize_t``): importing :mod:`ctypes` itself (its Python layer) cost the window's start-up
about 8 million instructions (~5 ms). Only Python 3.11 runs this code.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _ctypes import _SimpleCData

_MARGIN = 1 << 40
"""Far more than any process can lose: a million leaked references a second for 12 days."""


def keep_none_alive() -> None:
    """Make ``None``'s reference count unreachable by the leak (idempotent; a no-op where
    ``None`` is immortal)."""
    if sys.version_info >= (3, 12):
        return
    count = _ssize_t().from_address(id(None))  # ob_refcnt, the first field of PyObject
    if count.value < _MARGIN:
        count.value += _MARGIN


def _ssize_t() -> type[_SimpleCData[int]]:
    """C's ``Py_ssize_t`` as a ctypes type: pointer-sized and signed, as ``ctypes.c_ssize_t``
    is (``c_longlong``, code "q", on 64-bit platforms; ``c_int``, "i", on 32-bit ones)."""
    from _ctypes import _SimpleCData

    class SsizeT(_SimpleCData):  # type: ignore[type-arg]  # generic only in typeshed
        _type_ = "q" if sys.maxsize > 2**32 else "i"

    return SsizeT
