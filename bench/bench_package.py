"""Benchmark application packages: build, staged open, full verification, memory.

    .venv/bin/python bench/bench_package.py [--sizes 1,200] [--repeat 3]   # sizes in MB

For each size, a package with one attachment of that size (``%PDF-`` + pseudo-random
bytes) is built in a temporary directory (deleted afterwards), then:

1. in a child process of its own (so the peak RSS of one size does not hide another's):
   open time, split into header + final chunk, ZIP directory, manifest read + signature,
   manifest parse + form - it should not grow with the size; in-process full verification
   (every member hashed); peak RSS after each stage (``resource.getrusage``), to show
   memory flat in size;
2. whole process against whole process, interleaved after one warm-up each:
   ``review-desk package verify`` (``python -m app``, the age identity file, the trust
   roots) against ``age -d`` to /dev/null on the same file with the same key. Targets:
   at most 1.5x ``age -d`` at 200 MB and over, at most 0.2 s at 1 MB.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

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
    from cryptography.hazmat.primitives.serialization import Encoding

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
    ca = benchlib.bench_ca()
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
    (workdir / "meeting.key").write_text(meeting.secret_text() + "\n")
    (workdir / "roots.pem").write_bytes(ca.certificate.public_bytes(Encoding.PEM))
    return result


def measure(argv: list[str]) -> list[benchlib.Row]:
    parser = benchlib.parser(__doc__)
    parser.add_argument("--sizes", default="1,200", help="sizes in MB, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(run_one(args.child, Path(args.workdir))))
        return []
    if args.quick:
        args.sizes, args.repeat = "1", 1
    sizes = [int(s) for s in args.sizes.split(",")]
    benchlib.compile_sources()  # as an installed program's modules are (bench_startup.py)
    results: dict[int, dict[str, float]] = {}
    rows: list[benchlib.Row] = []
    env = benchlib.python_env()
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="bench-package-") as tmp:
            if args.quick:  # no child process: its peak RSS means nothing at this size
                results[size] = r = run_one(size, Path(tmp))
            else:
                child = subprocess.run(
                    [sys.executable, __file__, "--child", str(size), "--workdir", tmp],
                    check=True,
                    capture_output=True,
                    text=True,
                    env=env,
                )
                results[size] = r = json.loads(child.stdout.strip().splitlines()[-1])
            rows.append(
                benchlib.value_row(
                    "package", f"open, {size} MB package", [r["open_total_ms"]], "ms"
                )
            )
            rows.append(
                benchlib.value_row(
                    "package", f"peak RSS after verify, {size} MB", [r["rss_verify"]], "MB"
                )
            )
            if not shutil.which("age"):
                print("age is not installed: the whole-process comparison is skipped")
                continue
            work = Path(tmp)
            key, package = str(work / "meeting.key"), str(work / "p.oipkg")
            ours = [sys.executable, "-m", "app", "package", "verify", package]
            ours += ["--identity", key, "--trust", str(work / "roots.pem")]
            times = benchlib.processes(
                args.repeat,
                {"ours": ours, "age": ["age", "-d", "-i", key, "-o", os.devnull, package]},
                env=env,
                warmup=0 if args.quick else 1,
            )
            metric = f"package verify, {size} MB, whole process"
            if size <= 1:
                row = benchlib.value_row(
                    "package",
                    metric,
                    times["ours"],
                    "s",
                    baseline=times["age"],
                    baseline_name="age -d",
                    at_most=0.2,
                )
            else:
                row = benchlib.ratio_row(
                    "package",
                    metric,
                    times["ours"],
                    times["age"],
                    "age -d",
                    scale=1,
                    unit="s",
                    max_ratio=1.5 if size >= 200 else None,
                )
            rows.append(row)
    print(
        f"{'MB':>6} {'build s':>8} {'hdr+final ms':>13} {'zipdir ms':>10} {'sig ms':>8} "
        f"{'mf+form ms':>11} {'open ms':>8} {'verify s':>9} {'RSS open':>9} {'RSS verify':>11}"
    )
    for size, r in results.items():
        print(
            f"{size:>6} {r['build_s']:>8.2f} {r['header_final_chunk_ms']:>13.2f} "
            f"{r['zip_directory_ms']:>10.2f} {r['signature_ms']:>8.1f} "
            f"{r['manifest_form_ms']:>11.2f} "
            f"{r['open_total_ms']:>8.1f} {r['verify_all_s']:>9.2f} "
            f"{r['rss_open']:>8.0f}M {r['rss_verify']:>10.0f}M"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--child" in args:
        measure(args)
        return 0
    return benchlib.main(measure, args)


if __name__ == "__main__":
    raise SystemExit(main())
