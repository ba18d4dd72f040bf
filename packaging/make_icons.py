"""Render the master icon ``resources/desk.svg`` into the hicolor PNG sizes.

Usage (from anywhere)::

    python packaging/make_icons.py          # write the PNGs and desk/assets/desk.svg
    python packaging/make_icons.py --check  # exit 1 if any output is missing or stale

Writes ``resources/icons/hicolor/<n>x<n>/apps/io.github.desk.Desk.png`` for
every size in ``SIZES``, ``resources/icons/hicolor/scalable/apps/io.github.desk.Desk.svg``
and the run-time copy ``desk/assets/desk.svg``. It uses PySide6's QtSvg
(part of PySide6-Essentials) on the offscreen platform, so it needs no display.
The outputs are checked in; run this after editing the SVG.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

APP_ID = "io.github.desk.Desk"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

ROOT = Path(__file__).resolve().parent.parent
MASTER = ROOT / "resources" / "desk.svg"
HICOLOR = ROOT / "resources" / "icons" / "hicolor"
RUNTIME_COPY = ROOT / "desk" / "assets" / "desk.svg"


def png_path(size: int) -> Path:
    return HICOLOR / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def svg_copies() -> list[Path]:
    return [HICOLOR / "scalable" / "apps" / f"{APP_ID}.svg", RUNTIME_COPY]


def render(size: int):  # -> QImage
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(MASTER))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {MASTER} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the outputs exist")
    args = parser.parse_args(argv)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication, QImage

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    master = MASTER.read_bytes()
    problems: list[str] = []

    for copy in svg_copies():
        if args.check:
            if not copy.is_file() or copy.read_bytes() != master:
                problems.append(f"{copy.relative_to(ROOT)} differs from {MASTER.relative_to(ROOT)}")
        else:
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(master)

    for size in SIZES:
        out = png_path(size)
        if args.check:
            img = QImage(str(out))
            if img.isNull():
                problems.append(f"{out.relative_to(ROOT)} is missing")
            elif (img.width(), img.height()) != (size, size):
                problems.append(f"{out.relative_to(ROOT)} is {img.width()}x{img.height()}")
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        if not render(size).save(str(out), "PNG"):
            raise SystemExit(f"make_icons: could not write {out}")
        print(f"wrote {out.relative_to(ROOT)}")

    for p in problems:
        print(f"make_icons: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
