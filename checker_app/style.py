"""The app's own CSS: the source view (contract text, evidence highlight) and a few quiet touches.

Plain CSS with system fonts: nothing is fetched from a font service or a CDN.
"""

from __future__ import annotations

from functools import cache

import streamlit as st
from PIL import Image, ImageDraw

__all__ = ["favicon", "inject_css"]

_CSS = """
<style>
.cc-source { border-left: 3px solid #c9d3df; padding-left: 0.9rem; margin: 0.25rem 0 0.75rem 0; }
.cc-clause { margin: 0 0 0.7rem 0; color: #55606e; }
.cc-clause.cc-evidence { color: #1b1f24; }
.cc-clause.cc-heading .cc-text { font-weight: 600; }
.cc-loc { font-size: 0.75rem; color: #6b7683; letter-spacing: 0.01em; margin-bottom: 0.1rem; }
.cc-text { font-family: Georgia, "Times New Roman", serif; font-size: 0.98rem; line-height: 1.55;
           white-space: pre-wrap; overflow-wrap: anywhere; }
.cc-text mark { background: #ffe27a; color: inherit; padding: 0.05rem 0.1rem; border-radius: 2px;
                box-shadow: 0 0 0 1px #e0b400 inset; }
.cc-text mark.cc-num { background: #f59e0b; font-weight: 700; box-shadow: 0 0 0 1px #b45309 inset; }
.cc-define { font-size: 0.9rem; background: #f4f6f9; border-radius: 4px; padding: 0.4rem 0.6rem;
             margin: 0 0 0.6rem 0; }
.cc-where { font-size: 0.85rem; color: #4a5561; margin-bottom: 0.35rem; }
.cc-facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 0.9rem; margin: 0.3rem 0 0.8rem 0;
            font-size: 0.92rem; }
.cc-facts dt { color: #4a5561; font-weight: 600; }
.cc-facts dd { margin: 0; }
.cc-empty { color: #6b7683; font-style: italic; }
</style>
"""


def inject_css() -> None:
    """Add the app's stylesheet to the page (once per run; Streamlit places it without taking space)."""
    st.html(_CSS)


@cache
def favicon() -> Image.Image:
    """The tab icon, drawn here: a Material-icon or emoji page icon makes the browser fetch it from a CDN."""
    size = 64
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((2, 2, size - 3, size - 3), radius=12, fill=(31, 78, 121, 255))
    draw.line([(16, 33), (27, 44), (48, 21)], fill=(255, 255, 255, 255), width=7, joint="curve")
    return image
