"""A crafted bundle writer: what a malicious or buggy secretary program could produce.

It takes a good bundle apart, replaces, adds or removes members, recomputes the member
list and re-signs the manifest with any identity - so a test can reach the stages after the
secretary's signature with content the real writer would never produce.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from app.crypto import cms
from app.crypto.identity import Identity
from app.results import container
from app.results.manifest import MANIFEST_NAME, SIGNATURE_NAME, kind_of_name
from tests.app.results.factory import SIGNED_AT


def members_of(bundle: bytes) -> dict[str, bytes]:
    opened = container.open_archive(bundle)
    return {e.name: opened.read(e) for e in opened.directory.entries}


def manifest_of(bundle: bytes) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(members_of(bundle)[MANIFEST_NAME])
    return result


def recraft(
    bundle: bytes,
    signer: Identity,
    *,
    replace: dict[str, bytes | None] | None = None,
    manifest: Callable[[dict[str, Any]], None] | None = None,
    raw_manifest: bytes | None = None,
) -> bytes:
    """``bundle`` with members replaced (``None`` removes), the manifest rebuilt and
    re-signed by ``signer``; ``manifest`` may edit the manifest document last."""
    old = members_of(bundle)
    doc = json.loads(old.pop(MANIFEST_NAME))
    old.pop(SIGNATURE_NAME)
    for name, data in (replace or {}).items():
        if data is None:
            old.pop(name, None)
        else:
            old[name] = data
    order = {m["name"]: i for i, m in enumerate(doc["members"])}
    names = sorted(old, key=lambda n: (order.get(n, len(order)), n))
    doc["members"] = [
        {
            "name": n,
            "size": len(old[n]),
            "sha256": hashlib.sha256(old[n]).hexdigest(),
            "kind": (kind_of_name(n) or _Unknown).value,
        }
        for n in names
    ]
    doc["results_sha256"] = hashlib.sha256(old["results.json"]).hexdigest()
    doc["secretary_fingerprint"] = signer.fingerprint
    if manifest is not None:
        manifest(doc)
    data = raw_manifest or json.dumps(
        doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    signature = cms.sign_detached(data, signer)
    return container.zip_bytes(
        [(MANIFEST_NAME, data), (SIGNATURE_NAME, signature), *((n, old[n]) for n in names)],
        SIGNED_AT,
    )


class _Unknown:
    value = "unknown"
