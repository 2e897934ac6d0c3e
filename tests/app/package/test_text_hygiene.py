"""Text hygiene in packages: the builder refuses controls and bidi formatting in applicant
text (naming the field); a reader opens such a package but every display escapes them."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from app.cli import main
from app.i18n import LocalizedText
from app.package import Attachment, PackageFormError, build_package, open_package
from app.package import builder as package_builder
from tests.app.package.conftest import World
from tests.app.package.helpers import NOW, pdf_bytes, small_application

HOSTILE = ("\u202e", "\u202a", "\u202d", "\u2066", "\u2069", "\u0080", "\u0085", "\u009b", "\u009f")
"""C0 controls were refused before (by the strict form parser, readers too)."""


@pytest.mark.parametrize("char", HOSTILE)
def test_the_builder_refuses_the_character_naming_the_field(
    world: World, tmp_path: Path, char: str
) -> None:
    app = small_application()
    cases = {
        "application.platform_name.zh_CN": replace(
            app, platform_name=LocalizedText("Platform", f"平台{char}-2+3")
        ),
        "application.applicant_unit.en": replace(
            app, applicant_unit=LocalizedText(f"Unit {char}", "单位")
        ),
    }
    section = app.form[0].sections[1]
    part = replace(
        app.form[0],
        sections=(
            app.form[0].sections[0],
            replace(section, body=LocalizedText(f"body {char} text", "正文")),
            *app.form[0].sections[2:],
        ),
    )
    cases["body.en"] = replace(app, form=(part, *app.form[1:]))
    for field, form in cases.items():
        with pytest.raises(PackageFormError) as caught:
            build_package(form, [], world.issuer, world.recipients, tmp_path / "p.oipkg", NOW)
        message = caught.value.msg.in_language("en")
        assert field in message and f"U+{ord(char):04X}" in message, message
        assert f"U+{ord(char):04X}" in caught.value.msg.in_language("zh_CN")
    assert os.listdir(tmp_path) == []


def test_an_attachment_title_is_checked_too(world: World, tmp_path: Path) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(pdf_bytes(1000, seed=3))
    attachment = Attachment(pdf, LocalizedText("Report \u202e fdp.exe", "报告"))
    out = tmp_path / "out" / "p.oipkg"
    out.parent.mkdir()
    with pytest.raises(PackageFormError, match=r"attachments\[0\]\.title\.en.*U\+202E"):
        build_package(small_application(), [attachment], world.issuer, world.recipients, out, NOW)
    assert os.listdir(out.parent) == []


def test_ordinary_line_breaks_and_tabs_are_fine(world: World, tmp_path: Path) -> None:
    app = replace(small_application(), applicant_unit=LocalizedText("A\tB\r\nC", "甲\n乙"))
    build_package(app, [], world.issuer, world.recipients, tmp_path / "p.oipkg", NOW)


@pytest.fixture
def hostile_package(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A package whose issuer used another tool: the texts carry U+202E, U+009B, U+0085."""
    app = replace(
        small_application(),
        platform_name=LocalizedText("Calc \u202e-2+3 \u009b31m", "计算\u202e-2+3"),
        applicant_unit=LocalizedText("Unit \u009b2J\u0085", "单位\u2066"),
    )
    monkeypatch.setattr(package_builder, "validate_application", lambda a: a)
    out = tmp_path / "hostile.oipkg"
    build_package(app, [], world.issuer, world.recipients, out, NOW)
    monkeypatch.undo()
    return out


def test_a_reader_opens_it_and_keeps_the_text(world: World, hostile_package: Path) -> None:
    with open_package(hostile_package, [world.expert_key()], world.roots, NOW) as opened:
        assert "\u202e" in opened.application.platform_name.en  # data is kept as signed


def test_package_verify_prints_escapes(
    world: World, hostile_package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "expert.key"
    key.write_text(world.expert_key().secret_text() + "\n")
    roots = tmp_path / "roots.pem"
    from cryptography.hazmat.primitives.serialization import Encoding

    roots.write_bytes(world.pki.ca.certificate.public_bytes(Encoding.PEM))
    capsys.readouterr()
    keys = ["--identity", str(key), "--trust", str(roots)]
    code = main(["--lang", "en", "package", "verify", str(hostile_package), *keys])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Calc \\u202e-2+3 \\x9b31m" in out and "Unit \\x9b2J\\x85" in out
    for raw in ("\u202e", "\u009b", "\u0085"):
        assert raw not in out
