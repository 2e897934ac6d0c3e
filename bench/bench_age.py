"""Benchmark our age implementation against the reference ``age`` command.

    .venv/bin/python bench/bench_age.py [SIZE_MB]      # default 200

1. Streaming decrypt of a SIZE_MB file to /dev/null: ours vs ``age -d`` (same file, same run).
2. AgeReader open time (header, file key, final chunk) for a 10 MB vs a SIZE_MB file: it
   should not grow with the file size.
Files are generated in a temporary directory and deleted afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.crypto import AgeReader, X25519Identity, decrypt, encrypt

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


def _best(runs: int, action: Callable[[], None]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    size_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    identity = X25519Identity.generate()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        keyfile = base / "key.txt"
        keyfile.write_text(identity.secret_text() + "\n")
        big, small = base / "big.age", base / "small.age"
        _make(big, size_mb * MB, identity)
        _make(small, 10 * MB, identity)

        def ours() -> None:
            with big.open("rb") as src, open(os.devnull, "wb") as dst:
                decrypt(src, dst, [identity])

        def reference() -> None:
            subprocess.run(
                ["age", "-d", "-i", str(keyfile), "-o", os.devnull, str(big)], check=True
            )

        t_ours, t_age = _best(2, ours), _best(2, reference)
        print(
            f"decrypt {size_mb} MB to /dev/null: ours {t_ours:.3f} s "
            f"({size_mb / t_ours:.0f} MB/s), age -d {t_age:.3f} s "
            f"({size_mb / t_age:.0f} MB/s), ratio ours/age {t_ours / t_age:.2f}"
        )

        def opener(path: Path) -> Callable[[], None]:
            def run() -> None:
                with AgeReader(path, [identity]) as reader:
                    assert reader.size > 0

            return run

        t_small, t_big = _best(20, opener(small)), _best(20, opener(big))
        print(
            f"AgeReader open: 10 MB {t_small * 1000:.2f} ms, {size_mb} MB "
            f"{t_big * 1000:.2f} ms, ratio {t_big / t_small:.2f}"
        )


if __name__ == "__main__":
    main()
