"""Where the program's shipped data lives."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
RUBRICS = RESOURCES / "rubrics"
FONTS = RESOURCES / "fonts"
LOCALE = RESOURCES / "locale"
DEMO = RESOURCES / "demo"
CJK_FONT = FONTS / "WenQuanYiMicroHei.ttf"
