"""PDF for the whole portal: HTML → PDF with WeasyPrint, QR codes, digests.

WeasyPrint is imported inside the functions only (DESIGN.md §6): importing it loads Pango and
fonts, which the web process should not pay for until a paper is actually rendered. Fonts are
the Debian packages fonts-noto-core and fonts-dejavu-core found through fontconfig, embedded
(subset) in every PDF; nothing is downloaded at run time.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string

# Serif first: official papers (Thông tư 01/2018/TT-VPCP) are set in a Times-like face; both
# families carry every Vietnamese letter with its diacritics.
FONT_STACK = "'Noto Serif', 'DejaVu Serif', serif"


def sha256_hex(data: bytes) -> str:
    """Return the hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def qr_data_uri(text: str) -> str:
    """Return a PNG data: URI of a QR code of `text` (error correction M, quiet zone kept)."""
    import segno

    # Error level M survives a crease or a stamp on a printed A5 paper; a bitmap keeps the
    # modules sharp at any print size and is what scanners and decoders read most reliably.
    return segno.make(text, error="m", micro=False).png_data_uri(scale=6, border=4)


@lru_cache(maxsize=1)
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    # One fontconfig lookup per process: later renders reuse the loaded faces (warm < 150 ms).
    return FontConfiguration()


def html_to_pdf(html: str) -> bytes:
    """Render an HTML document (with its own <style>) to PDF bytes."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=_font_config())


def template_to_pdf(template_name: str, context: dict) -> bytes:
    """Render a Django template to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, {"font_stack": FONT_STACK, **context}))
