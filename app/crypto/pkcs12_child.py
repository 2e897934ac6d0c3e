"""Decrypting a PKCS#12 file in a child process, so that a window keeps answering.

``cryptography`` 50 (the newest release) runs every key derivation of a PKCS#12 file with
the GIL held (pyca/cryptography#15657, merged for a later release, lets go of it). An
identity v1 file takes three 600,000-round derivations, about 0.3 s, and for all of that
time a worker thread unlocking it stops the GUI thread as well: no repaint, no input.

So a window's unlocks (:func:`app.unlocking.decrypt_in_child_processes`, switched on by
``ui.launch``) run :func:`load_pkcs12` here: a fresh interpreter (``multiprocessing``,
*spawn*: forking a process that runs Qt's threads is unsafe) decrypts the file and hands
back the private key (PKCS#8 DER) and the certificates (DER) over a one-way pipe - memory,
never a file - and exits. The caller keeps every identity v1 check
(:func:`app.crypto.identity.load_identity`). If the child cannot run at all
(:class:`ChildUnavailable`), the caller decrypts in its own process instead: slower to
answer, never a refusal.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.connection import Connection
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_der_private_key,
    pkcs12,
)

MAX_MESSAGE: Final = 64 * 1024
"""Each message from the child (a key, a certificate, a name) is far smaller; a longer one
means something other than our child is talking."""
MAX_CERTIFICATES: Final = 64
TIMEOUT_S: Final = 300.0
"""How long to wait for the child: the derivations take about a second on a slow machine."""

_OK: Final = b"ok"
_WRONG: Final = b"wrong passphrase or damaged file"
_FAILED: Final = b"failed"


class ChildUnavailable(Exception):
    """The child process could not start or did not answer as it should."""


def load_pkcs12(data: bytes, passphrase: bytes) -> pkcs12.PKCS12KeyAndCertificates:
    """``pkcs12.load_pkcs12(data, passphrase)``, computed in a child process.

    Raises ``ValueError`` where ``load_pkcs12`` does (a wrong passphrase, a damaged file)
    and :class:`ChildUnavailable` when the child could not do the work.
    """
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)  # a pipe, not a socket pair
    child = context.Process(
        target=_decrypt, args=(send, data, passphrase), name="review-desk-pkcs12", daemon=True
    )
    try:
        try:
            child.start()
        except (OSError, RuntimeError) as exc:
            raise ChildUnavailable(f"cannot start: {exc}") from exc
        send.close()  # the child holds the only writing end: EOF when it exits
        return _read_reply(receive)
    except (EOFError, OSError) as exc:
        raise ChildUnavailable(f"no answer: {exc}") from exc
    finally:
        receive.close()
        send.close()
        if child.pid is not None:
            child.join(5)
            if child.is_alive():
                child.kill()
                child.join()


def _read_reply(receive: Connection) -> pkcs12.PKCS12KeyAndCertificates:
    if not receive.poll(TIMEOUT_S):
        raise ChildUnavailable("timed out")

    def message() -> bytes:
        return receive.recv_bytes(MAX_MESSAGE)

    status = message()
    if status == _WRONG:
        raise ValueError("Invalid password or PKCS12 data")
    if status != _OK:
        raise ChildUnavailable("the child failed")
    key_der = message()
    key = load_der_private_key(key_der, None) if key_der else None
    cert = _certificate(message(), message())
    count = int(message())
    if not 0 <= count <= MAX_CERTIFICATES:
        raise ChildUnavailable("too many certificates")
    additional = []
    for _ in range(count):
        extra = _certificate(message(), message())
        if extra is None:
            raise ChildUnavailable("an empty certificate in the chain")
        additional.append(extra)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        key = None  # identity v1 holds a P-256 key; the caller refuses any other as none
    return pkcs12.PKCS12KeyAndCertificates(key, cert, additional)


def _certificate(der: bytes, name: bytes) -> pkcs12.PKCS12Certificate | None:
    if not der:
        return None
    return pkcs12.PKCS12Certificate(x509.load_der_x509_certificate(der), name or None)


def _decrypt(send: Connection, data: bytes, passphrase: bytes) -> None:
    """In the child: decrypt, send the parts, exit. Nothing is logged or written."""
    try:
        try:
            loaded = pkcs12.load_pkcs12(data, passphrase)
        except ValueError:
            send.send_bytes(_WRONG)
            return
        key = b""
        if loaded.key is not None:
            key = loaded.key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
        parts = [_OK, key, *_parts(loaded.cert), str(len(loaded.additional_certs)).encode()]
        for extra in loaded.additional_certs:
            parts += _parts(extra)
        for part in parts:
            send.send_bytes(part)
    except Exception:
        send.send_bytes(_FAILED)
    finally:
        send.close()


def _parts(cert: pkcs12.PKCS12Certificate | None) -> list[bytes]:
    if cert is None:
        return [b"", b""]
    return [cert.certificate.public_bytes(Encoding.DER), cert.friendly_name or b""]
