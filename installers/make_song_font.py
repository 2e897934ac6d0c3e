"""Make ``resources/fonts/ARPLUMingCN.ttf``, the Song (Ming) face of the official PDFs.

Source: Debian's ``fonts-arphic-uming`` 0.2.20080216.2 (``uming.ttc``, AR PL UMing, Arphic
Public License). reportlab embeds TrueType (glyf) outlines only, which this font has; the
Noto/Source Han serifs are CFF and cannot be used.

The change, as the licence's section 2 a) asks to be stated (also written into the font's
name table, ID 10): the "AR PL UMing CN" face (index 0) is taken out of the collection, and
its embedded bitmaps (EBDT/EBLC, for screens at small sizes), hinting instructions and glyph
names are dropped with fontTools' subsetter; every outline and every mapped character is kept.
That takes 21 MB to 17 MB and changes nothing that a PDF shows.

Usage (the .deb from ``apt-get download fonts-arphic-uming``)::

    python installers/make_song_font.py path/to/uming.ttc
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "resources" / "fonts" / "ARPLUMingCN.ttf"
NOTICE = (
    "Modified on 2026-12-01 for Expert Review Desk (installers/make_song_font.py): the AR PL "
    "UMing CN face was extracted from uming.ttc 0.2.20080216.2 and its embedded bitmaps, "
    "hinting instructions and glyph names were removed with the fontTools subsetter; all "
    "outlines and character mappings are unchanged. Distributed under the Arphic Public "
    "License (ARPHICPL.TXT)."
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ttc", type=Path, help="uming.ttc from fonts-arphic-uming")
    args = parser.parse_args()
    font = TTFont(args.ttc, fontNumber=0)
    options = subset.Options()
    options.unicodes = "*"
    options.glyphs = "*"
    options.hinting = False
    options.drop_tables += ["EBDT", "EBLC", "EBSC", "BDF", "FFTM"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.layout_features = ["*"]
    options.glyph_names = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=font.getBestCmap().keys())
    subsetter.subset(font)
    font["name"].setName(NOTICE, 10, 3, 1, 0x409)
    font["name"].setName(NOTICE, 10, 1, 0, 0)
    font.save(TARGET)
    print(f"{TARGET}: {TARGET.stat().st_size} bytes")


if __name__ == "__main__":
    main()
