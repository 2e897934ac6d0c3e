"""The project's own PEP 517 / PEP 660 build backend: standard library only.

The program is installed on machines that have never been online, and its wheel is built in a
test that must not reach the network. A backend that needs setuptools and wheel would have to
download them into pip's isolated build environment; this one needs nothing but Python, so
``pip wheel --no-deps .`` and ``pip install -e .`` work offline, and the wheel is
reproducible (fixed timestamps and order), so its SHA-256 can be published.

The wheel carries the packages ``app``, ``ui``, ``storage`` and ``export`` and, as package
data of ``app`` under ``app/_shipped/``, the shipped data laid out as in the repository:
``resources/`` (fonts and their licences, the zh_CN catalog, rubrics, demo material, the
approved-platform list) and ``docs/user-guide.md``. ``app.paths`` finds ``app/_shipped`` in
an installed wheel and the repository root in an editable install.

The editable wheel holds one ``.pth`` file naming the repository root.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import tarfile
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "ui", "storage", "export")
SHIPPED_PREFIX = "app/_shipped"
# Shipped data: the folders and files copied into the wheel, relative to the repository.
SHIPPED_TREES = ("resources",)
SHIPPED_FILES = ("docs/user-guide.md",)
# Work files that are never shipped: catalog parts waiting to be merged, editor leftovers.
EXCLUDED_PARTS = ("__pycache__", "parts")
EXCLUDED_SUFFIXES = (".pyc", ".pyo", ".orig", ".rej", "~")
# The sdist carries what the wheel is built from, plus the backend itself.
SDIST_FILES = ("pyproject.toml", "README.md", "CHANGELOG.md", "installers/wheel_backend.py")
# 1980-01-01, the earliest time a zip file can hold: the same bytes from every build.
EPOCH = (1980, 1, 1, 0, 0, 0)
GENERATOR = "review-desk-wheel-backend 1"


def _project() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        project = tomllib.load(fh)["project"]
    assert isinstance(project, dict)
    return project


def _dist_name(project: dict[str, object]) -> str:
    return str(project["name"]).replace("-", "_").lower()


def _shipped_file(path: Path) -> bool:
    return not any(part in EXCLUDED_PARTS for part in path.parts) and not str(path).endswith(
        EXCLUDED_SUFFIXES
    )


def _tree(top: str, suffix: str | None = None) -> Iterator[Path]:
    for path in sorted((ROOT / top).rglob("*")):
        relative = path.relative_to(ROOT)
        if path.is_file() and _shipped_file(relative):
            if suffix is None or path.suffix == suffix:
                yield relative


def wheel_files() -> list[tuple[str, Path]]:
    """(name inside the wheel, file in the repository) for every shipped file, sorted."""
    files: list[tuple[str, Path]] = []
    for package in PACKAGES:
        files.extend((p.as_posix(), ROOT / p) for p in _tree(package, ".py"))
    for tree in SHIPPED_TREES:
        files.extend((f"{SHIPPED_PREFIX}/{p.as_posix()}", ROOT / p) for p in _tree(tree))
    files.extend((f"{SHIPPED_PREFIX}/{name}", ROOT / name) for name in SHIPPED_FILES)
    return sorted(files)


def metadata() -> str:
    project = _project()
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
        f"Summary: {project['description']}",
        f"Requires-Python: {project['requires-python']}",
    ]
    licence = project.get("license")
    if isinstance(licence, dict) and "text" in licence:
        lines.append(f"License: {licence['text']}")
    dependencies = project.get("dependencies", [])
    assert isinstance(dependencies, list)
    lines.extend(f"Requires-Dist: {dep}" for dep in dependencies)
    extras = project.get("optional-dependencies", {})
    assert isinstance(extras, dict)
    for extra, deps in extras.items():
        lines.append(f"Provides-Extra: {extra}")
        lines.extend(f'Requires-Dist: {dep}; extra == "{extra}"' for dep in deps)
    lines.append("Description-Content-Type: text/markdown")
    readme = (ROOT / str(project.get("readme", "README.md"))).read_text(encoding="utf-8")
    return "\n".join(lines) + "\n\n" + readme


def _entry_points() -> str:
    scripts = _project().get("scripts", {})
    assert isinstance(scripts, dict)
    body = "".join(f"{name} = {target}\n" for name, target in scripts.items())
    return f"[console_scripts]\n{body}"


def _wheel_text(tag: str) -> str:
    return f"Wheel-Version: 1.0\nGenerator: {GENERATOR}\nRoot-Is-Purelib: true\nTag: {tag}\n"


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _write_wheel(directory: str, entries: list[tuple[str, bytes]]) -> str:
    project = _project()
    dist = f"{_dist_name(project)}-{project['version']}"
    tag = "py3-none-any"
    info = f"{dist}.dist-info"
    entries = [
        *entries,
        (f"{info}/METADATA", metadata().encode("utf-8")),
        (f"{info}/WHEEL", _wheel_text(tag).encode()),
        (f"{info}/entry_points.txt", _entry_points().encode()),
    ]
    record = [_record_line(name, data) for name, data in entries]
    record.append(f"{info}/RECORD,,")
    entries.append((f"{info}/RECORD", ("\n".join(record) + "\n").encode()))
    filename = f"{dist}-{tag}.whl"
    with zipfile.ZipFile(Path(directory) / filename, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            item = zipfile.ZipInfo(name, date_time=EPOCH)
            item.external_attr = 0o644 << 16
            item.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(item, data)
    return filename


# --- PEP 517 ---------------------------------------------------------------------------------


def get_requires_for_build_wheel(config_settings: object = None) -> list[str]:
    return []


def get_requires_for_build_sdist(config_settings: object = None) -> list[str]:
    return []


def get_requires_for_build_editable(config_settings: object = None) -> list[str]:
    return []


def build_wheel(
    wheel_directory: str, config_settings: object = None, metadata_directory: object = None
) -> str:
    return _write_wheel(
        wheel_directory, [(name, path.read_bytes()) for name, path in wheel_files()]
    )


def build_editable(
    wheel_directory: str, config_settings: object = None, metadata_directory: object = None
) -> str:
    pth = f"{_dist_name(_project())}.pth"
    return _write_wheel(wheel_directory, [(pth, f"{ROOT}\n".encode())])


def build_sdist(sdist_directory: str, config_settings: object = None) -> str:
    project = _project()
    base = f"{_dist_name(project)}-{project['version']}"
    names = sorted(
        {
            *(path.relative_to(ROOT).as_posix() for _, path in wheel_files()),
            *SDIST_FILES,
        }
    )
    pkg_info = metadata().encode("utf-8")
    filename = f"{base}.tar.gz"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in [*((n, (ROOT / n).read_bytes()) for n in names), ("PKG-INFO", pkg_info)]:
            item = tarfile.TarInfo(f"{base}/{name}")
            item.size = len(data)
            item.mode = 0o644
            item.mtime = 0
            tar.addfile(item, io.BytesIO(data))
    import gzip

    with gzip.GzipFile(
        os.path.join(sdist_directory, filename), "wb", mtime=0
    ) as gz:  # fixed mtime: same bytes
        gz.write(buffer.getvalue())
    return filename
