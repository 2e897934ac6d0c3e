"""Write the .deb's copyright file (machine-readable, DEP-5) for a one-folder build.

    python3 installers/deb/copyright.py FOLDER > .../usr/share/doc/review-desk/copyright

Standard library only (installers/build-deb.sh runs it with the system's python3). It
covers everything the package installs:

- the program itself (pyproject.toml's licence);
- Qt and Qt for Python (LGPL-3, with the note from FOLDER/licenses/Qt-PySide6/README.txt);
- the Python interpreter (PSF, FOLDER/licenses/python/LICENSE.txt);
- the shipped fonts, with the licence texts beside them in resources/fonts;
- each Python package of requirements/runtime.txt, its licence as installers/deb/
  python-licences.txt names it and the text of its wheel's licence files
  (FOLDER/licenses/packages/, written by the one-folder build);
- each library the build took from Debian, the copyright file of its Debian package
  (FOLDER/licenses/debian/).

Texts Debian keeps in /usr/share/common-licenses (Apache-2.0, GPL, LGPL, MPL-2.0) are named
there instead of repeated, as Debian policy asks; the folder keeps its own copies too.
"""

from __future__ import annotations

import re
import sys
import textwrap
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
OPT = "opt/review-desk"
FORMAT = "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
QT_PACKAGES = ("pyside6-essentials", "pyside6-pdf", "shiboken6")

# Texts found in /usr/share/common-licenses on Debian and its derivatives: (file name, a
# phrase near the top of the full text).
COMMON = (
    ("Apache-2.0", re.compile(r"Apache License\s+Version 2\.0, January 2004")),
    ("GPL-3", re.compile(r"GNU GENERAL PUBLIC LICENSE\s+Version 3, 29 June 2007")),
    ("GPL-2", re.compile(r"GNU GENERAL PUBLIC LICENSE\s+Version 2, June 1991")),
    ("LGPL-3", re.compile(r"GNU LESSER GENERAL PUBLIC LICENSE\s+Version 3, 29 June 2007")),
    ("LGPL-2.1", re.compile(r"GNU LESSER GENERAL PUBLIC LICENSE\s+Version 2\.1, February 1999")),
    ("MPL-2.0", re.compile(r"Mozilla Public License Version 2\.0")),
)


def block(text: str) -> str:
    """``text`` as the continuation lines of a DEP-5 field: one space in front, "." for an
    empty line, no trailing blanks."""
    lines = [line.rstrip().expandtabs(4) for line in text.strip("\n").splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(" " + line if line else " ." for line in lines)


def common_licence(text: str) -> str | None:
    """The /usr/share/common-licenses name of a full standard licence text, if it is one."""
    head = text[:1500]
    for name, pattern in COMMON:
        if pattern.search(head) and len(text) > 4000:
            return name
    return None


EMBEDDED_APACHE = re.compile(
    r"[ \t]*Apache License\s+Version 2\.0, January 2004.*?END OF TERMS AND CONDITIONS", re.S
)


def without_embedded_apache(text: str) -> str:
    """A licence file that quotes the whole Apache License 2.0 among others (Pillow's, for
    the libraries its wheel carries): the quoted terms become a reference."""
    return EMBEDDED_APACHE.sub(
        "[The terms of the Apache License 2.0; on Debian systems its complete text is in "
        "/usr/share/common-licenses/Apache-2.0.]",
        text,
    )


def licence_text(files: list[Path]) -> str:
    """The licence files of one component, the standard texts as a reference."""
    parts = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        common = common_licence(text)
        rel = path.relative_to(path.parents[2]) if len(path.parents) > 2 else path
        if common is not None:
            parts.append(
                prose(
                    f"{path.name}: the {common} licence; on Debian systems its complete text "
                    f"is in /usr/share/common-licenses/{common} (also /{OPT}/licenses/{rel})."
                )
            )
        else:
            parts.append(f"{path.name}:\n\n{without_embedded_apache(text).strip()}")
    return "\n\n".join(parts)


def copyright_lines(text: str, fallback: str) -> str:
    """The "Copyright" lines of a licence text (at most 12), or ``fallback``."""
    found = []
    for line in text.splitlines():
        line = line.strip(" #*\t")
        if re.match(r"(?i)^(copyright\b|\(c\)|©)", line) and "notice" not in line.lower():
            line = re.sub(r"(?i)^copyright\s*(\(c\)|©)?\s*", "", line).strip()
            if line and line not in found and len(line) < 120:
                found.append(line)
    return block("\n".join(found[:12])) if found else " " + fallback


def prose(text: str) -> str:
    """Our own paragraphs, wrapped at 78 columns (licence texts keep their lines)."""
    return "\n\n".join(
        textwrap.fill(p, 78, break_on_hyphens=False, break_long_words=False)
        for p in text.split("\n\n")
    )


def paragraph(files: list[str], holders: str, licence: str, text: str, comment: str) -> str:
    """One Files paragraph; ``holders`` are continuation lines (each starting with a space)."""
    first, _, rest = holders.partition("\n")
    return "\n".join(
        [
            "Files: " + " ".join(files),
            "Copyright:" + first + ("\n" + rest if rest else ""),
            "Comment:\n" + block(prose(comment)),
            f"License: {licence}\n" + block(text),
        ]
    )


def existing(folder: Path, patterns: list[str], fallback: list[str]) -> list[str]:
    """``patterns`` under FOLDER/_internal that match something there, as package paths."""
    internal = folder / "_internal"
    kept = []
    for pattern in patterns:
        found = sorted(internal.glob(pattern))
        if not found:
            continue
        if any(c in pattern for c in "*?["):
            kept.append(f"{OPT}/_internal/{pattern}")  # the pattern itself, not every match
        else:
            kept.append(f"{OPT}/_internal/{pattern}" + ("/*" if found[0].is_dir() else ""))
    return sorted(set(kept)) or fallback


def program(folder: Path) -> str:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    licence = project.get("license", {}).get("text", "Proprietary")
    return paragraph(
        ["*"],
        " 2026 The Expert Review Desk authors",
        licence,
        prose(
            "Expert Review Desk is not free software: no licence to copy, change or pass it "
            f"on is granted by this package (pyproject.toml: license = {licence!r}). Its use "
            "is governed by the agreement under which it was delivered."
        ),
        comment="The program's own code: the executable /opt/review-desk/review-desk, whose "
        "archive also holds the pure-Python modules of the packages below, and its data in "
        "/opt/review-desk/_internal (resources/, docs/).",
    )


def qt(folder: Path) -> str:
    readme = folder / "licenses" / "Qt-PySide6" / "README.txt"
    note = readme.read_text(encoding="utf-8").strip() if readme.is_file() else ""
    return paragraph(
        existing(folder, ["PySide6", "shiboken6"], [f"{OPT}/_internal/PySide6/*"]),
        " The Qt Company Ltd. and other contributors",
        "LGPL-3 or GPL-2 or GPL-3",
        (note + "\n\n" if note else "")
        + prose(
            "On Debian systems the complete texts of the GNU Lesser General Public License "
            "version 3 and of the GNU General Public License versions 2 and 3 are in "
            "/usr/share/common-licenses/LGPL-3, GPL-2 and GPL-3."
        ),
        comment="Qt 6 and Qt for Python (PySide6, shiboken6), unmodified shared libraries "
        "from the PyPI wheels: pyside6-essentials, pyside6-pdf, shiboken6.",
    )


def python(folder: Path) -> str:
    licence = folder / "licenses" / "python" / "LICENSE.txt"
    text = (
        licence.read_text(encoding="utf-8")
        if licence.is_file()
        else (
            "The Python Software Foundation License, version 2: https://docs.python.org/3/license.html"
        )
    )
    return paragraph(
        existing(
            folder,
            ["libpython3*", "base_library.zip", "python3*/lib-dynload/*", "lib-dynload/*"],
            [f"{OPT}/_internal/libpython3*"],
        ),
        " 2001-2024 Python Software Foundation",
        "PSF-2.0",
        text,
        comment="The Python interpreter and its standard library.",
    )


FONTS = (
    (
        "WenQuanYiMicroHei.ttf",
        "Apache-2.0 or GPL-3+ with Font exception",
        " 2008-2009 The WenQuanYi Project Board of Trustees\n"
        " 2008-2009 Qianqian Fang, mozbug\n"
        " 2006-2008 Google Corporation, Steve Matteson, Ascender Corp.",
        ["COPYRIGHT-wqy-microhei.txt"],
    ),
    (
        "ARPLUMingCN.ttf",
        "Arphic-1999",
        " 1994-1999 Arphic Technology Co., Ltd.\n 2003-2008 the CJK Unifonts project",
        ["README-uming.txt", "ARPHICPL.TXT"],
    ),
    (
        "LiberationSerif-Regular.ttf",
        "OFL-1.1",
        " 2010 Google Corporation\n 2012 Red Hat, Inc.",
        ["COPYRIGHT-liberation.txt"],
    ),
)


def fonts(folder: Path) -> list[str]:
    out = []
    for name, licence, holders, texts in FONTS:
        shipped = sorted(folder.rglob(name))
        files = [f"{OPT}/{p.relative_to(folder)}" for p in shipped] or [f"{OPT}/*/{name}"]
        body = licence_text([REPO / "resources" / "fonts" / t for t in texts])
        if licence.startswith("Apache-2.0"):
            body += "\n\n" + prose(
                "On Debian systems the complete texts of the Apache License 2.0 and of the "
                "GNU General Public License version 3 are in /usr/share/common-licenses/"
                "Apache-2.0 and GPL-3."
            )
        out.append(paragraph(files, holders, licence, body, comment=f"The font {name}."))
    return out


def python_licences() -> list[tuple[str, str, list[str]]]:
    """(package, licence, patterns) from installers/deb/python-licences.txt."""
    rows = []
    for line in (HERE / "python-licences.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, rest = line.split(None, 1)
        parts = re.split(r"\s{2,}", rest.strip())
        licence, where = parts[0], parts[1] if len(parts) > 1 else "-"
        rows.append((name, licence, [] if where == "-" else where.split()))
    return rows


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def packages(folder: Path) -> list[str]:
    licences = folder / "licenses" / "packages"
    found = {}
    if licences.is_dir():
        for sub in sorted(licences.iterdir()):
            name = normal(sub.name.rsplit("-", 1)[0])
            found[name] = sub
    out = []
    for name, licence, patterns in python_licences():
        if name in QT_PACKAGES or name not in found:
            continue  # Qt has its paragraph; pip is in the lock, never in the bundle
        sub = found[name]
        files = sorted(p for p in sub.iterdir() if p.is_file())
        text = licence_text(files)
        paths = existing(folder, patterns, [f"{OPT}/licenses/packages/{sub.name}/*"])
        version = sub.name.rsplit("-", 1)[1]
        out.append(
            paragraph(
                paths,
                copyright_lines(text, f"the {name} authors"),
                licence,
                text,
                comment=f"The Python package {name} {version}.",
            )
        )
    return out


def dep5_licences(text: str) -> list[str]:
    names = []
    for match in re.finditer(r"(?m)^License:[ \t]*(\S.*)$", text):
        if match[1] not in names:
            names.append(match[1].strip())
    return names


def debian(folder: Path) -> list[str]:
    index = folder / "licenses" / "debian" / "LIBRARIES.txt"
    if not index.is_file():
        return []
    out = []
    for line in index.read_text(encoding="utf-8").splitlines():
        if ":" not in line:
            continue
        package, libraries = line.split(":", 1)
        source = folder / "licenses" / "debian" / f"{package}.copyright"
        text = source.read_text(encoding="utf-8", errors="replace") if source.is_file() else ""
        text = without_embedded_apache(text)
        names = dep5_licences(text) if text.startswith("Format:") else []
        licence = " and ".join(f"({n})" if " or " in n else n for n in names) if names else "other"
        files = sorted({f"{OPT}/_internal/{lib}" for lib in libraries.split()})
        out.append(
            paragraph(
                files,
                copyright_lines(text, f"the authors of the Debian package {package}"),
                licence,
                prose(
                    f"The copyright file of the Debian package {package}, which the build "
                    f"took these libraries from (also /{OPT}/licenses/debian/"
                    f"{package}.copyright):"
                )
                + "\n\n"
                + text.strip(),
                comment=f"Libraries from the Debian package {package}.",
            )
        )
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python3 installers/deb/copyright.py FOLDER", file=sys.stderr)
        return 64
    folder = Path(argv[0])
    header = f"Format: {FORMAT}\nUpstream-Name: Expert Review Desk\nComment:\n" + block(
        prose(
            "A self-contained build (PyInstaller one-folder) in /opt/review-desk: the program, "
            "its own Python, Qt and Python packages, and the libraries it took from Debian. "
            "Every licence text named here is also in /opt/review-desk/licenses/ and "
            "/opt/review-desk/_internal/resources/fonts/."
        )
    )
    sections = [header, program(folder), qt(folder), python(folder)]
    sections += fonts(folder) + packages(folder) + debian(folder)
    sys.stdout.write("\n\n".join(sections) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
