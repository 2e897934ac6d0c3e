"""A CycloneDX 1.5 SBOM (JSON) of the runtime set, from the hashed lock and the wheelhouse.

    python installers/sbom.py requirements/runtime.txt WHEELHOUSE --version 0.1.0 > sbom.cdx.json

Each locked package is a component (``pkg:pypi/NAME@VERSION``) whose hashes are those of the
wheels of it in the wheelhouse (every target's); the project itself is the metadata component.
The output depends only on its inputs (no timestamp; the serial number is derived from them),
so two builds of the same release give the same file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import uuid
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
PROJECT = "expert-review-desk"


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(lock: Path) -> list[tuple[str, str]]:
    pins = []
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line.strip())
        if match:
            pins.append((normalise(match[1]), match[2]))
    return sorted(pins)


def wheels(wheelhouse: Path | None) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    if wheelhouse is None:
        return found
    for wheel in sorted(wheelhouse.glob("*.whl")):
        found.setdefault(normalise(wheel.name.split("-")[0]), []).append(wheel)
    return found


def sbom(lock: Path, wheelhouse: Path | None, version: str) -> dict[str, object]:
    files = wheels(wheelhouse)
    components = []
    for name, pinned in locked(lock):
        component: dict[str, object] = {
            "type": "library",
            "bom-ref": f"pkg:pypi/{name}@{pinned}",
            "name": name,
            "version": pinned,
            "purl": f"pkg:pypi/{name}@{pinned}",
        }
        distributions = [
            {
                "type": "distribution",
                "url": wheel.name,
                "hashes": [
                    {"alg": "SHA-256", "content": hashlib.sha256(wheel.read_bytes()).hexdigest()}
                ],
            }
            for wheel in files.get(name, [])
        ]
        if distributions:
            component["externalReferences"] = distributions
        components.append(component)
    seed = lock.read_bytes() + b"".join(w.name.encode() for ws in files.values() for w in ws)
    serial = uuid.uuid5(uuid.NAMESPACE_URL, hashlib.sha256(seed).hexdigest() + version)
    project = {
        "type": "application",
        "bom-ref": f"pkg:pypi/{PROJECT}@{version}",
        "name": PROJECT,
        "version": version,
        "purl": f"pkg:pypi/{PROJECT}@{version}",
    }
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": f"urn:uuid:{serial}",
        "version": 1,
        "metadata": {"component": project},
        "components": components,
        "dependencies": [
            {"ref": project["bom-ref"], "dependsOn": [c["bom-ref"] for c in components]}
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lock", type=Path)
    parser.add_argument("wheelhouse", type=Path, nargs="?")
    parser.add_argument("--version", required=True)
    args = parser.parse_args(argv)
    json.dump(sbom(args.lock, args.wheelhouse, args.version), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
