"""Where identity files are decrypted: in this process, or in a child process.

``cryptography`` holds the GIL for the whole key derivation of a PKCS#12 file (about 0.3 s
for identity v1), so a window unlocking an identity in a worker thread would stop its GUI
thread for that long; a window's composition root (``ui.launch``) therefore asks for child
processes (:mod:`app.crypto.pkcs12_child`). The command line decrypts in its own process.
A module of its own, importing nothing, so that the window's start-up can choose without
loading ``cryptography``.
"""

from __future__ import annotations

_in_child_processes = False


def decrypt_in_child_processes(enabled: bool = True) -> None:
    """From now on, decrypt identity files in a child process (or, ``False``, here again)."""
    global _in_child_processes
    _in_child_processes = enabled


def in_child_processes() -> bool:
    return _in_child_processes
