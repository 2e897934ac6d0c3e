"""Benchmark application packages: build, staged open, full verification, memory.

    .venv/bin/python bench/bench_package.py [--sizes 10,200,1000]   # sizes in MB

For each size, a package with one attachment of that size (``%PDF-`` + pseudo-random
bytes) is built in a temporary directory (deleted afterwards), then:

1. open time, split into header + final chunk, ZIP directory, manifest read + signature,
   manifest parse + form - it should not grow with the size (ratio largest / smallest);
2. full verification (every member hashed) vs ``age -d`` to /dev/null on the same file
   (aim: ratio <= 1.5);
3. peak RSS after each stage (``resource.getrusage``), to show memory flat in size.
Each size runs in its own child process, so the peak RSS of one does not hide another's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MB = 1000 * 1000


def _rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / MB


def _pdf(path: Path, size: int) -> None:
    block = os.urandom(MB)
    with path.open("wb") as out:
        out.write(b"%PDF-1.7\n")
        written = 9
        while written < size:
            piece = block[: min(MB, size - written)]
            out.write(piece)
            written += len(piece)


def run_one(size_mb: int, workdir: Path) -> dict[str, float]:
    from cryptography.hazmat.primitives.asymmetric import ec

    from app.crypto import pki
    from app.crypto.age_reader import AgeReader
    from app.crypto.cms import verify_detached
    from app.crypto.identity import Identity, derive_x25519_private_key
    from app.crypto.profile import Role
    from app.i18n import LocalizedText
    from app.kit.meeting_key import generate_meeting_key
    from app.package import Attachment, build_package, open_package
    from app.package.form import parse_form, parse_form_document, template_document
    from app.package.manifest import parse_manifest
    from app.package.zipcheck import read_directory, read_entry

    now = datetime.now(UTC)
    pki.init_ca(workdir / "ca", "Bench CA", b"bench passphrase", now)
    ca = pki.load_ca(workdir / "ca", b"bench passphrase")
    key = ec.generate_private_key(ec.SECP256R1())
    cert = pki.issue_certificate(ca, Role.ISSUER, "Bench issuer", None, key, now - timedelta(1))
    issuer = Identity(cert, key, (ca.certificate,), Role.ISSUER, derive_x25519_private_key(key))
    meeting = generate_meeting_key()
    source = workdir / "big.pdf"
    _pdf(source, size_mb * MB)
    out = workdir / "p.oipkg"
    start = time.perf_counter()
    build_package(
        parse_form_document(template_document()),
        [Attachment(source, LocalizedText("Big", "大"))],
        issuer,
        [meeting.recipient],
        out,
        now,
    )
    result: dict[str, float] = {"build_s": time.perf_counter() - start, "rss_build": _rss_mb()}
    source.unlink()
    roots = [ca.certificate]
    # warm up imports (pyHanko) so the timings below are the work, not module loading
    with open_package(out, [meeting], roots, now):
        pass

    # stage timings, done by hand with the same functions open_package uses
    t0 = time.perf_counter()
    fh = out.open("rb")
    reader = AgeReader(fh, [meeting])
    t1 = time.perf_counter()
    directory = read_directory(reader, reader.size)
    t2 = time.perf_counter()
    manifest_data = read_entry(reader, directory.get("manifest.json"))  # type: ignore[arg-type]
    signature = read_entry(reader, directory.get("manifest.json.p7s"))  # type: ignore[arg-type]
    verify_detached(manifest_data, signature, roots, roles={Role.ISSUER}, at=now)
    t3 = time.perf_counter()
    parse_manifest(manifest_data)
    parse_form(read_entry(reader, directory.get("form.json")))  # type: ignore[arg-type]
    t4 = time.perf_counter()
    reader.close()
    fh.close()
    result.update(
        header_final_chunk_ms=(t1 - t0) * 1e3,
        zip_directory_ms=(t2 - t1) * 1e3,
        signature_ms=(t3 - t2) * 1e3,
        manifest_form_ms=(t4 - t3) * 1e3,
    )
    start = time.perf_counter()
    with open_package(out, [meeting], roots, now) as opened:
        result["open_total_ms"] = (time.perf_counter() - start) * 1e3
        result["rss_open"] = _rss_mb()
        start = time.perf_counter()
        opened.verify_all()
        result["verify_all_s"] = time.perf_counter() - start
    result["rss_verify"] = _rss_mb()
    if shutil.which("age"):
        key_file = workdir / "meeting.key"
        key_file.write_text(meeting.secret_text() + "\n")
        start = time.perf_counter()
        subprocess.run(["age", "-d", "-i", str(key_file), "-o", "/dev/null", str(out)], check=True)
        result["age_d_s"] = time.perf_counter() - start
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,200,1000", help="sizes in MB, comma-separated")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        with tempfile.TemporaryDirectory(prefix="bench-package-") as tmp:
            print(json.dumps(run_one(args.child, Path(tmp))))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[int, dict[str, float]] = {}
    for size in sizes:
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(size)],
            check=True,
            capture_output=True,
            text=True,
        )
        results[size] = json.loads(child.stdout.strip().splitlines()[-1])
    print(
        f"{'MB':>6} {'build s':>8} {'hdr+final ms':>13} {'zipdir ms':>10} {'sig ms':>8} "
        f"{'mf+form ms':>11} {'open ms':>8} {'verify s':>9} {'age -d s':>9} {'ratio':>6} "
        f"{'RSS open':>9} {'RSS verify':>11}"
    )
    for size, r in results.items():
        age_s = r.get("age_d_s", float("nan"))
        print(
            f"{size:>6} {r['build_s']:>8.2f} {r['header_final_chunk_ms']:>13.2f} "
            f"{r['zip_directory_ms']:>10.2f} {r['signature_ms']:>8.1f} "
            f"{r['manifest_form_ms']:>11.2f} "
            f"{r['open_total_ms']:>8.1f} {r['verify_all_s']:>9.2f} {age_s:>9.2f} "
            f"{r['verify_all_s'] / age_s:>6.2f} {r['rss_open']:>8.0f}M {r['rss_verify']:>10.0f}M"
        )
    if len(sizes) > 1:
        small, large = results[min(sizes)], results[max(sizes)]
        print(
            f"open time ratio {max(sizes)} MB / {min(sizes)} MB: "
            f"{large['open_total_ms'] / small['open_total_ms']:.2f}"
        )


if __name__ == "__main__":
    main()
