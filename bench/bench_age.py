"""Benchmark our age implementation against the reference ``age`` command.

    .venv/bin/python bench/bench_age.py [--size 200] [--repeat 3]     # size in MB

1. Streaming decrypt of a SIZE MB file to /dev/null, whole process against whole process:
   a Python process that imports our reader and decrypts, against ``age -d`` (same file,
   same key, interleaved, after one warm-up each).
2. AgeReader open time (header, file key, final chunk) for a 10 MB vs a SIZE MB file, in
   the same process: it should not grow with the file size.
Files are generated in a temporary directory and deleted afterwards.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

from app.crypto import AgeReader, X25519Identity, encrypt

MB = 1000 * 1000


def _make(path: Path, size: int, identity: X25519Identity) -> None:
    block = os.urandom(MB)
    plain = path.with_suffix(".plain")
    with plain.open("wb") as out:
        for start in range(0, size, MB):
            out.write(block[: min(MB, size - start)])
    with plain.open("rb") as src, path.open("wb") as dst:
        encrypt(src, dst, [identity.recipient])
    plain.unlink()


OURS = """
import os, sys
from pathlib import Path
from app.crypto import decrypt, parse_identity_file
identities = parse_identity_file(Path(sys.argv[1]).read_text())
with open(sys.argv[2], "rb") as src, open(os.devnull, "wb") as dst:
    decrypt(src, dst, identities)
"""


def measure(argv: list[str]) -> list[benchlib.Row]:
    parser = benchlib.parser(__doc__)
    parser.add_argument("--size", type=int, default=200, help="file size in MB (default 200)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (default 3)")
    args = parser.parse_args(argv)
    small_mb = 10
    if args.quick:
        args.size, args.repeat, small_mb = 2, 1, 1
    identity = X25519Identity.generate()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        keyfile = base / "key.txt"
        keyfile.write_text(identity.secret_text() + "\n")
        big, small = base / "big.age", base / "small.age"
        _make(big, args.size * MB, identity)
        _make(small, small_mb * MB, identity)
        if shutil.which("age"):
            times = benchlib.processes(
                args.repeat,
                {
                    "ours": [sys.executable, "-c", OURS, str(keyfile), str(big)],
                    "age": ["age", "-d", "-i", str(keyfile), "-o", os.devnull, str(big)],
                },
                env=benchlib.python_env(),
                warmup=0 if args.quick else 1,
            )
            rows.append(
                benchlib.ratio_row(
                    "age",
                    f"decrypt {args.size} MB, whole process",
                    times["ours"],
                    times["age"],
                    "age -d",
                    scale=1,
                    unit="s",
                )
            )
        else:
            print("age is not installed: the decrypt comparison is skipped")

        def opener(path: Path) -> Callable[[], None]:
            def run() -> None:
                with AgeReader(path, [identity]) as reader:
                    assert reader.size > 0

            return run

        times = benchlib.interleaved(
            1 if args.quick else 20, {"big": opener(big), "small": opener(small)}
        )
        rows.append(
            benchlib.ratio_row(
                "age",
                f"AgeReader open, {args.size} MB file",
                times["big"],
                times["small"],
                f"same, {small_mb} MB file",
            )
        )
    return rows


if __name__ == "__main__":
    raise SystemExit(benchlib.main(measure))
