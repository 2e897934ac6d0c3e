"""One detached CMS signature check against a raw ECDSA P-256 verify of the same signature.

    .venv/bin/python bench/bench_cms.py [--signatures N] [--repeat R] [--quick]

Setup (not timed): a throw-away CA and one expert identity in memory, ``N`` signatures of
sheet-sized documents (about 2 KB each) made with :func:`app.crypto.cms.sign_detached`.

Timed, per signature, interleaved in each repetition (so load hits all three alike):

- *raw*: ``cryptography``'s ECDSA verify of the same signature value over the same signed
  attributes with the signer's public key, the baseline (what no CMS check can beat);
- *warm*: :meth:`SignatureVerifier.verify` once the certificate's path is validated (the
  target is at most 3x raw);
- *cold*: a new :class:`SignatureVerifier` per check, so the path is validated each time
  (what one check costs the first time a certificate is seen in a file or session).

Printed: min and median per signature of each, and the ratios against raw, with the
target. Nothing is asserted; the numbers are for reading.

With ``--secretary APPLICATIONS EXPERTS`` it also times the secretary's import of the
sheet files of such a meeting (``bench_secretary.prepare``: one file per expert), per
sheet, against the target of 1.5 ms per sheet and against the raw ECDSA verifies the
import cannot avoid (one per sheet and one per file envelope), measured in the same run.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from app.crypto import cms, pki
from app.crypto.cms_parse import parse_detached
from app.crypto.identity import Identity, derive_x25519_private_key
from app.crypto.profile import Role

AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TARGET_WARM = 3.0


def _setup(count: int) -> tuple[list[tuple[bytes, bytes]], pki.CertificateAuthority, Identity]:
    ca = benchlib.bench_ca()
    key = ec.generate_private_key(ec.SECP256R1())
    cert = pki.issue_certificate(ca, Role.EXPERT, "Bench expert", "Bench", key, AT)
    expert = Identity(cert, key, (ca.certificate,), Role.EXPERT, derive_x25519_private_key(key))
    pairs = []
    for i in range(count):
        data = (f'{{"sheet": {i}, "scores": [' + ", ".join("7" for _ in range(30)) + "]}").encode()
        data = data * 10
        pairs.append((data, cms.sign_detached(data, expert)))
    return pairs, ca, expert


def _per_call(seconds: list[float]) -> tuple[float, float]:
    return min(seconds), statistics.median(seconds)


def measure(argv: list[str]) -> list[benchlib.Row]:
    parser = benchlib.parser(__doc__)
    parser.add_argument("--signatures", type=int, default=200, help="signatures (default 200)")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions (default 5)")
    parser.add_argument("--cold", type=int, default=20, help="cold checks per repetition")
    parser.add_argument(
        "--secretary",
        nargs=2,
        type=int,
        metavar=("APPLICATIONS", "EXPERTS"),
        help="also time the secretary's sheet import at this size (e.g. 200 30)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.signatures, args.repeat, args.cold = 10, 1, 2
    pairs, ca, expert = _setup(args.signatures)
    roots = [ca.certificate]
    public_key = expert.certificate.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    raw_inputs = []
    for _data, signature in pairs:
        parsed = parse_detached(signature)
        raw_inputs.append((parsed.signature, parsed.signed_attributes))
    verifier = cms.SignatureVerifier()
    verifier.verify(pairs[0][0], pairs[0][1], roots, roles={Role.EXPERT}, at=AT)  # warm-up
    raw_t: list[float] = []
    warm_t: list[float] = []
    cold_t: list[float] = []
    ecdsa = ec.ECDSA(hashes.SHA256())
    clock = time.perf_counter
    for _ in range(args.repeat):
        for i, ((data, signature), (value, signed)) in enumerate(
            zip(pairs, raw_inputs, strict=True)
        ):
            start = clock()
            public_key.verify(value, signed, ecdsa)
            raw_t.append(clock() - start)
            start = clock()
            verifier.verify(data, signature, roots, roles={Role.EXPERT}, at=AT)
            warm_t.append(clock() - start)
            if i < args.cold:
                fresh = cms.SignatureVerifier()
                start = clock()
                fresh.verify(data, signature, roots, roles={Role.EXPERT}, at=AT)
                cold_t.append(clock() - start)
                fresh.close()
    verifier.close()
    raw_min, raw_med = _per_call(raw_t)
    print(f"signatures {args.signatures}, repetitions {args.repeat} (interleaved)")
    print(f"{'check':<28}{'min ms':>10}{'median ms':>12}{'x raw (min)':>13}{'x raw (med)':>13}")
    for name, times in (
        ("raw ECDSA verify", raw_t),
        ("our verify, path cached", warm_t),
        ("our verify, path validated", cold_t),
    ):
        low, mid = _per_call(times)
        ratios = f"{low / raw_min:>13.2f}{mid / raw_med:>13.2f}"
        print(f"{name:<28}{low * 1e3:>10.3f}{mid * 1e3:>12.3f}{ratios}")
    ratio = statistics.median(warm_t) / raw_med
    verdict = "met" if ratio <= TARGET_WARM else "NOT met"
    print(f"target: warm <= {TARGET_WARM:g}x raw (median): {ratio:.2f}x, {verdict}")
    rows = [
        benchlib.ratio_row(
            "cms",
            "signature check, path cached",
            warm_t,
            raw_t,
            "raw ECDSA",
            max_ratio=TARGET_WARM,
        ),
        benchlib.ratio_row(
            "cms", "signature check, path validated", cold_t, raw_t[: len(cold_t)], "raw ECDSA"
        ),
    ]
    if args.secretary:
        rows.append(_secretary(*args.secretary, repeat=max(1, min(args.repeat, 3))))
    return rows


def _secretary(n_apps: int, n_experts: int, *, repeat: int) -> benchlib.Row:
    """The secretary's sheet import per sheet; each repetition imports into a fresh copy
    of the frozen workspace, and the raw verifies of the same signatures run in between."""
    import shutil

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_secretary import prepare

    from app.secretary.collect import import_sheet_files
    from app.secretary.unlock import unlock_workspace
    from storage.secretary.workspace import SecretaryWorkspace

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        p = prepare(base, n_apps, n_experts)
        p.ws.close()
        n_sheets = len(p.sheets)
        print(f"\nsecretary import: {n_apps} applications x {n_experts} experts, {n_sheets} sheets")
        print(f"setup (signing, writing) {p.setup_seconds:.1f} s, not timed")
        # the raw baseline: one ECDSA verify per sheet and per file envelope
        key = ec.generate_private_key(ec.SECP256R1())
        sample = key.sign(b"x" * 300, ec.ECDSA(hashes.SHA256()))
        public = key.public_key()
        ecdsa = ec.ECDSA(hashes.SHA256())
        n_verifies = n_sheets + len(p.files)
        imports: list[float] = []
        raws: list[float] = []
        for i in range(repeat):
            copy = base / f"run{i}.sqlite"
            shutil.copyfile(base / "secretary.sqlite", copy)
            ws = SecretaryWorkspace.open(copy)
            unlock_workspace(ws, p.secretary, actor="bench", now=AT)  # the key, not timed
            start = time.perf_counter()
            results = import_sheet_files(ws, p.secretary, p.files, actor="bench", now=AT)
            imports.append(time.perf_counter() - start)
            ws.close()
            refused = [r for r in results if r.refusal is not None]
            if refused:
                raise SystemExit(f"refused: {refused[0].message}")
            start = time.perf_counter()
            for _ in range(n_verifies):
                public.verify(sample, b"x" * 300, ecdsa)
            raws.append(time.perf_counter() - start)
        per_sheet = [t / n_sheets * 1e3 for t in imports]
        raw_per_sheet = [t / n_sheets * 1e3 for t in raws]
        low, mid = min(per_sheet), statistics.median(per_sheet)
        print(f"{'':<28}{'min ms':>10}{'median ms':>12}")
        print(f"{'import, per sheet':<28}{low:>10.3f}{mid:>12.3f}")
        raw_low, raw_mid = min(raw_per_sheet), statistics.median(raw_per_sheet)
        print(f"{'raw verifies, per sheet':<28}{raw_low:>10.3f}{raw_mid:>12.3f}")
        print(f"import / raw verifies (median): {mid / raw_mid:.1f}x")
        verdict = "met" if mid <= 1.5 else "NOT met"
        print(f"target: import <= 1.5 ms per sheet (median): {mid:.2f} ms, {verdict}")
        return benchlib.value_row(
            "cms",
            f"secretary import per sheet ({n_apps}x{n_experts})",
            per_sheet,
            "ms",
            baseline=raw_per_sheet,
            baseline_name="raw ECDSA verifies",
            at_most=1.5,
        )


if __name__ == "__main__":
    raise SystemExit(benchlib.main(measure))
