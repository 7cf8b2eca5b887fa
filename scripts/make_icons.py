"""Make every app icon from the one drawing in static/icons/icon.svg.

    .venv/bin/python scripts/make_icons.py

Writes, next to the drawing: icon-192/512.png (rounded, as drawn), maskable-192/512.png
(full-bleed background, the figure inside the central 80 % safe zone that Android's
masks keep), apple-touch-icon.png (180 px, opaque square: iOS rounds it itself) and
the two 96 px shortcut icons of the manifest. The PNGs are committed; run this again
after changing the drawing.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import cairosvg
from PIL import Image

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
BRAND = "#1f6f5c"


def full_bleed(svg: str, figure_scale: float) -> str:
    """The drawing on a square background with no rounded corners, the figure
    scaled about the centre (so it stays inside a mask's safe zone)."""
    svg = re.sub(r'<rect([^>]*?) rx="\d+"', r"<rect\1", svg, count=1)
    svg = svg.replace("<g transform=\"", f"<g transform=\"translate(256 256) scale({figure_scale}) translate(-256 -256) ", 1)
    return svg


SHORTCUTS = {
    # "Log a session": a plus in a circle.
    "shortcut-log-96.png": '<circle cx="48" cy="48" r="26" stroke-width="7"/><path d="M48 34v28M34 48h28" stroke-width="7"/>',
    # "Progress": a line chart going up.
    "shortcut-progress-96.png": '<path d="M22 70h52M24 62l16-16 12 10 20-24" stroke-width="7"/>',
}


def shortcut_svg(drawing: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96" width="96" height="96">'
            f'<rect width="96" height="96" rx="20" fill="{BRAND}"/>'
            f'<g fill="none" stroke="#fff" stroke-linecap="round" stroke-linejoin="round">{drawing}</g></svg>')


def render(svg: str, size: int, path: Path, opaque: bool = False) -> None:
    png = cairosvg.svg2png(bytestring=svg.encode(), output_width=size, output_height=size)
    image = Image.open(io.BytesIO(png))
    if opaque:
        image = image.convert("RGB")
    image.save(path, optimize=True)
    print(f"{path.relative_to(ICONS.parent.parent)}: {path.stat().st_size} bytes")


def main() -> None:
    source = (ICONS / "icon.svg").read_text()
    maskable = full_bleed(source, 0.8)
    for size in (192, 512):
        render(source, size, ICONS / f"icon-{size}.png")
        render(maskable, size, ICONS / f"maskable-{size}.png", opaque=True)
    render(full_bleed(source, 0.9), 180, ICONS / "apple-touch-icon.png", opaque=True)
    for name, drawing in SHORTCUTS.items():
        render(shortcut_svg(drawing), 96, ICONS / name)


if __name__ == "__main__":
    main()
