"""Build the CJK font subset that lesson_utils ships (run by hand, result committed).

Source: the Simplified-Chinese face of Debian's ``fonts-noto-cjk`` (Noto Sans CJK SC Regular,
SIL Open Font License 1.1).  A .ttc holds several faces and matplotlib only ever reads the first
(the Japanese one), so we pull the SC face out by name and keep the characters a Chinese textbook
needs: all 6763 GB 2312 hanzi, every character of the bundled corpora (src/lesson_utils/corpora/:
the Tang poems (tang_wuyan.tsv.gz) use rarer characters such as 鄜 and 翃 that are outside
GB 2312), ASCII/Latin-1,
Greek, general and CJK punctuation, full-width forms, arrows and common math operators.
tests/unit/test_plotting.py checks both sets against the committed font.

    apt-get install fonts-noto-cjk
    python -m book_tools.make_cjk_font_subset
"""

import gzip
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

from book_tools import repo_root

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
PACKAGE = repo_root() / "src/lesson_utils"
TARGET = PACKAGE / "fonts/NotoSansSC-Book-Subset.otf"
FAMILY = "Noto Sans SC Book Subset"


def gb2312_hanzi():
    """All 6763 hanzi of GB 2312 (rows 0xB0-0xF7)."""
    chars = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def corpus_characters():
    """Every non-whitespace character of the text corpora shipped with the package."""
    chars = set()
    for path in sorted((PACKAGE / "corpora").glob("*.tsv.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            chars.update(c for c in handle.read() if not c.isspace())
    return chars


def wanted_codepoints():
    ranges = [
        (0x20, 0x7E),  # ASCII
        (0xA0, 0xFF),  # Latin-1
        (0x370, 0x3FF),  # Greek (α, β, η, θ, ...)
        (0x2000, 0x206F),  # general punctuation (— … ‖ ′)
        (0x2070, 0x209F),  # super/subscripts
        (0x2100, 0x214F),  # letterlike symbols
        (0x2190, 0x21FF),  # arrows
        (0x2200, 0x22FF),  # math operators (∂ ∑ ∇ ⊙ ≤)
        (0x2460, 0x24FF),  # circled numbers
        (0x2500, 0x257F),  # box drawing
        (0x25A0, 0x25FF),  # geometric shapes
        (0x3000, 0x303F),  # CJK punctuation
        (0xFF00, 0xFFEF),  # full-width forms
    ]
    points = {cp for lo, hi in ranges for cp in range(lo, hi + 1)}
    points.update(ord(c) for c in gb2312_hanzi())
    points.update(ord(c) for c in corpus_characters())
    return points


def main():
    collection = TTCollection(str(SOURCE))
    face = next(f for f in collection.fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted_codepoints())
    subsetter.subset(face)
    # A distinct family name, so that a full system copy of Noto Sans CJK is never mistaken for it.
    for record in face["name"].names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID in (4,):
            record.string = FAMILY + " Regular"
        elif record.nameID == 6:
            record.string = FAMILY.replace(" ", "") + "-Regular"
    face.save(str(TARGET))
    print(f"{TARGET}: {TARGET.stat().st_size / 1e6:.2f} MB, {len(face.getGlyphOrder())} glyphs")


if __name__ == "__main__":
    main()
