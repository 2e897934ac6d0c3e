"""Issue 14 item 10: ``--lang zh_CN --help`` was half English (argparse's own words)."""

from __future__ import annotations

import re

import pytest

from app.cli import main
from app.i18n import set_language

ARGPARSE_WORDS = re.compile(
    r"usage:|positional arguments|options:|show this help|error:|required|version number"
)


@pytest.fixture(autouse=True)
def _english_after() -> object:
    yield None
    set_language("en")


@pytest.mark.parametrize("argv", [["--help"], ["secretary", "--help"], ["pki", "--help"]])
def test_help_in_chinese_has_no_english_argparse_words(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--lang", "zh_CN", *argv])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：review-desk")
    assert "显示本帮助信息并退出" in out
    assert ARGPARSE_WORDS.findall(out) == []


def test_usage_errors_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--lang", "zh_CN", "secretary"])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "review-desk secretary：错误：缺少以下必需参数：ACTION" in err


def test_help_in_english_is_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--lang", "en", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("usage: review-desk") and "show this help message and exit" in out
