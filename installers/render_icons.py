"""Render the program's icon (resources/icons/review-desk.svg) to the PNGs and the Windows
.ico the installers ship: resources/icons/hicolor/NxN/apps/review-desk.png for the usual
hicolor sizes (the .deb) and resources/icons/review-desk.ico (the Windows executable and
its installer).

    python installers/render_icons.py          # (re)write the PNGs and the .ico
    python installers/render_icons.py --check  # exit 1 if a PNG is missing or differs

The PNGs are kept in the repository so a package can be built without Qt (build-deb.sh
copies them); tests/test_deb_recipe.py runs the check, so a changed SVG without
re-rendered PNGs fails the suite. Rendering uses Qt's own SVG renderer (QtSvg, in the
project's PySide6), so no other tool is needed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

REPO = Path(__file__).resolve().parent.parent
ICONS = REPO / "resources" / "icons"
SVG = ICONS / "review-desk.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def png_path(size: int) -> Path:
    return ICONS / "hicolor" / f"{size}x{size}" / "apps" / "review-desk.png"


def render(size: int) -> QImage:
    """The icon at ``size`` x ``size`` pixels, antialiased, on a transparent background."""
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: {SVG} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def write_ico(path: Path) -> None:
    """A .ico holding every size (Windows picks the one it shows): PNG-compressed entries,
    which Windows Vista and later read."""
    entries: list[bytes] = []
    for size in ICO_SIZES:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        render(size).save(buffer, "PNG")
        buffer.close()
        entries.append(bytes(data.data()))
    header = (0).to_bytes(2, "little") + (1).to_bytes(2, "little")
    header += len(entries).to_bytes(2, "little")
    offset = 6 + 16 * len(entries)
    directory = b""
    for size, png in zip(ICO_SIZES, entries, strict=True):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        directory += bytes([side, side, 0, 0]) + (1).to_bytes(2, "little")
        directory += (32).to_bytes(2, "little") + len(png).to_bytes(4, "little")
        directory += offset.to_bytes(4, "little")
        offset += len(png)
    path.write_bytes(header + directory + b"".join(entries))


TOLERANCE = 1
"""How far a channel may be from a fresh rendering: Qt's antialiasing rounds a few edge
pixels one step differently on different CPUs (seen: 7 of 16,384 pixels at 128 px); an
out-of-date icon differs in whole shapes."""


def _same(shipped: QImage, fresh: QImage) -> bool:
    if shipped.size() != fresh.size():
        return False
    if shipped == fresh:
        return True
    for y in range(fresh.height()):
        for x in range(fresh.width()):
            a, b = shipped.pixel(x, y), fresh.pixel(x, y)
            if a != b and any(
                abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF)) > TOLERANCE
                for shift in (0, 8, 16, 24)
            ):
                return False
    return True


def differing() -> list[Path]:
    """The PNGs that are missing or whose pixels differ from a fresh rendering (beyond
    :data:`TOLERANCE`)."""
    wrong = []
    for size in SIZES:
        path = png_path(size)
        shipped = QImage(str(path))
        if shipped.isNull() or not _same(
            shipped.convertToFormat(QImage.Format.Format_ARGB32), render(size)
        ):
            wrong.append(path)
    if not (ICONS / "review-desk.ico").is_file():
        wrong.append(ICONS / "review-desk.ico")
    return wrong


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the PNGs")
    args = parser.parse_args(argv)
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    if args.check:
        wrong = differing()
        for path in wrong:
            print(
                f"render_icons: {path.relative_to(REPO)} is missing or out of date", file=sys.stderr
            )
        return 1 if wrong else 0
    for size in SIZES:
        path = png_path(size)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not render(size).save(str(path), "PNG"):
            raise SystemExit(f"render_icons: cannot write {path}")
    write_ico(ICONS / "review-desk.ico")
    print(f"render_icons: {len(SIZES)} PNGs and review-desk.ico in {ICONS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
