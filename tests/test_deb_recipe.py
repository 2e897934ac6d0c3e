"""The .deb's recipe (installers/deb, installers/build-deb.sh) agrees with the program, with
no package built: the desktop entry, the MIME types and the file kinds the program opens
(:mod:`app.file_kinds`) and documents (docs/formats) are the same six; the icons exist and
match their SVG; every locked Python package has its licence named; the copyright writer
gives a DEP-5 file that names the standard texts instead of repeating them. The package
itself is built and installed by installers/test-deb.sh (minutes, run before a release).
"""

from __future__ import annotations

import configparser
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.file_kinds import FileKind

REPO = Path(__file__).resolve().parent.parent
DEB = REPO / "installers" / "deb"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
sys.path.insert(0, str(REPO / "installers"))
sys.path.insert(0, str(DEB))
import copyright as deb_copyright  # noqa: E402
import render_icons  # noqa: E402


def _desktop() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEB / "review-desk.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def _mime_types() -> dict[str, ET.Element]:
    root = ET.parse(DEB / "review-desk-mime.xml").getroot()
    return {t.attrib["type"]: t for t in root.iter(f"{MIME_NS}mime-type")}


def test_the_desktop_entry_names_the_program_in_english_and_chinese() -> None:
    entry = _desktop()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Expert Review Desk"
    assert entry["Name[zh_CN]"] == "专家评审工作台"
    assert entry["Comment"] and entry["Comment[zh_CN]"]
    assert entry["Icon"] == "review-desk" and entry["TryExec"] == "review-desk"
    # review-desk open takes one optional file (app/cli/open.py): %f, never %F or %U.
    assert entry["Exec"] == "review-desk open %f"
    assert entry["Terminal"] == "false"


def test_the_desktop_entry_and_the_mime_xml_list_exactly_the_programs_file_kinds() -> None:
    kinds = {kind.mime_type: kind for kind in FileKind}
    listed = [t for t in _desktop()["MimeType"].split(";") if t]
    assert sorted(listed) == sorted(kinds)
    types = _mime_types()
    assert sorted(types) == sorted(kinds)
    for name, element in types.items():
        globs = [g.attrib["pattern"] for g in element.iter(f"{MIME_NS}glob")]
        assert globs == ["*" + kinds[name].extension]
        comments = {c.attrib.get(XML_LANG, "en"): c.text for c in element.iter(f"{MIME_NS}comment")}
        assert comments["en"] and comments["zh_CN"], name
        icons = [i.attrib["name"] for i in element.iter(f"{MIME_NS}icon")]
        assert icons == ["review-desk"]


def test_every_file_kind_is_a_documented_format_and_every_documented_one_a_kind() -> None:
    documented = set()
    for doc in sorted((REPO / "docs" / "formats").glob("*.md")):
        title = doc.read_text(encoding="utf-8").splitlines()[0]
        documented |= set(re.findall(r"`\*(\.oi[a-z]+)`", title))
    assert documented == {kind.extension for kind in FileKind}
    for kind in FileKind:
        title = (REPO / kind.format_doc).read_text(encoding="utf-8").splitlines()[0]
        assert f"`*{kind.extension}`" in title, kind.format_doc


@pytest.mark.tool("desktop-file-validate")
def test_desktop_file_validate_accepts_the_entry() -> None:
    done = subprocess.run(
        ["desktop-file-validate", str(DEB / "review-desk.desktop")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr


def test_the_icons_exist_at_every_hicolor_size_and_match_the_svg(qapp: QApplication) -> None:
    assert render_icons.SIZES == (16, 24, 32, 48, 64, 128, 256)
    assert render_icons.differing() == []
    assert (REPO / "resources" / "icons" / "review-desk.svg").is_file()
    ico = (REPO / "resources" / "icons" / "review-desk.ico").read_bytes()
    assert ico[:4] == b"\0\0\1\0" and int.from_bytes(ico[4:6], "little") == 7


def test_the_control_template_and_the_depends_list() -> None:
    control = (DEB / "control.in").read_text(encoding="utf-8")
    fields = dict(re.findall(r"(?m)^([A-Za-z-]+): (.*)$", control))
    assert fields["Package"] == "review-desk"
    for placeholder in (
        "@VERSION@",
        "@ARCH@",
        "@MAINTAINER@",
        "@INSTALLED_SIZE@",
        "@DEPENDS@",
        "@RECOMMENDS@",
    ):
        assert placeholder in control
    assert len(fields["Description"]) <= 80
    depends = [
        line.strip()
        for line in (DEB / "depends.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    first = [d.split("|")[0].strip() for d in depends]
    assert first[0] == "libc6" and {"libgl1", "libegl1"} <= set(first)
    assert all(re.fullmatch(r"[a-z0-9.+-]+( \| [a-z0-9.+-]+)*", d) for d in depends)


def test_every_locked_python_package_has_its_licence_named() -> None:
    locked = set()
    for line in (REPO / "requirements" / "runtime.txt").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", line)
        if match:
            locked.add(deb_copyright.normal(match[1]))
    named = {name for name, _licence, _where in deb_copyright.python_licences()}
    assert named == locked


def test_the_copyright_file_is_dep5_with_the_fonts_and_the_packages(tmp_path: Path) -> None:
    folder = tmp_path / "review-desk"
    fonts = folder / "_internal" / "resources" / "fonts"
    fonts.mkdir(parents=True)
    for font in ("WenQuanYiMicroHei.ttf", "ARPLUMingCN.ttf", "LiberationSerif-Regular.ttf"):
        (fonts / font).write_bytes(b"")
    (folder / "_internal" / "cryptography").mkdir()
    package = folder / "licenses" / "packages" / "cryptography-50.0.2"
    package.mkdir(parents=True)
    (package / "LICENSE").write_text("Copyright (c) Individual contributors.\nDual licensed.\n")
    apache = (REPO / "resources" / "fonts" / "LICENSE-Apache-2.0.txt").read_text()
    (package / "LICENSE.APACHE").write_text(apache)
    done = subprocess.run(
        [sys.executable, str(DEB / "copyright.py"), str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    text = done.stdout
    assert text.startswith(f"Format: {deb_copyright.FORMAT}\n")
    paragraphs = text.strip().split("\n\n")
    for paragraph in paragraphs[1:]:
        fields = re.findall(r"(?m)^([A-Za-z-]+):", paragraph)
        assert fields[0] == "Files" and "Copyright" in fields and "License" in fields
    assert all(
        line.startswith(" ")
        for p in paragraphs
        for line in p.splitlines()[1:]
        if not re.match(r"^[A-Za-z-]+:", line)
    )
    by_files = {p.splitlines()[0]: p for p in paragraphs[1:]}
    font = by_files["Files: opt/review-desk/_internal/resources/fonts/ARPLUMingCN.ttf"]
    assert "License: Arphic-1999" in font and "ARPHIC PUBLIC LICENSE" in font
    crypto = by_files["Files: opt/review-desk/_internal/cryptography/*"]
    assert "License: Apache-2.0 or BSD-3-clause" in crypto
    assert "Copyright: Individual contributors." in crypto
    # The full Apache text is named, not repeated (lintian's
    # copyright-file-contains-full-apache-2-license).
    assert "TERMS AND CONDITIONS FOR USE" not in text
    assert "/usr/share/common-licenses/Apache-2.0" in crypto
    assert "License: LGPL-3 or GPL-2 or GPL-3" in text
    assert "License: Proprietary" in by_files["Files: *"]


def test_build_deb_refuses_a_folder_without_the_executable(tmp_path: Path) -> None:
    done = subprocess.run(
        ["bash", str(REPO / "installers" / "build-deb.sh"), str(tmp_path), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 64
    assert "must be a one-folder build holding the executable review-desk" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_windows_installer_associates_the_same_file_kinds() -> None:
    """installers/windows/review-desk.iss (not compiled here: no iscc on Linux)."""
    raw = (REPO / "installers" / "windows" / "review-desk.iss").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for the Chinese text
    text = raw.decode("utf-8-sig")
    associated = set(re.findall(r'Subkey: "Software\\Classes\\(\.oi[a-z]+)"', text))
    assert associated == {kind.extension for kind in FileKind}
    commands = re.findall(r'shell\\open\\command"; .*ValueData: "(.*?)"; Tasks', text)
    assert commands == ['""{app}\\{#AppExe}"" open ""%1""'] * len(FileKind)
    assert '#define AppExe "review-desk.exe"' in text
    assert '#define AppNameZh "专家评审工作台"' in text
    assert 'Name: "{autoprograms}\\{#AppNameZh} {#AppName}"' in text
    for language in ("english", "chinesesimplified"):
        messages = set(re.findall(rf"(?m)^{language}\.(\w+)=", text))
        assert {"TypeKit", "TypeBundle", "MenuComment", "AssociateFiles"} <= messages
    assert "SetupIconFile=..\\..\\resources\\icons\\review-desk.ico" in text


def test_an_icon_out_of_date_is_told_from_rounding(qapp: QApplication) -> None:
    """A channel one step off (antialiasing on another CPU) is the same icon; a changed
    shape is not."""
    from PySide6.QtGui import QColor

    fresh = render_icons.render(64)
    rounded = fresh.copy()
    colour = rounded.pixelColor(32, 32)
    rounded.setPixelColor(32, 32, QColor(min(colour.red() + 1, 255), colour.green(), colour.blue()))
    assert render_icons._same(rounded, fresh)
    changed = fresh.copy()
    for x in range(20, 40):
        changed.setPixelColor(x, 32, QColor(255, 0, 0))
    assert not render_icons._same(changed, fresh)
