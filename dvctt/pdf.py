"""PDF for the whole portal: HTML → PDF with WeasyPrint, QR codes, digests.

WeasyPrint is imported inside the functions only (docs/design.md, comments and names):
importing it loads Pango and fonts, which the web process should not pay for until a paper is
actually rendered.

Fonts ship with the project (npm packages of package.json, installed by `make install`):
Noto Serif and Noto Sans (SIL Open Font Licence 1.1, LICENSE_FONT beside them) with DejaVu
(Bitstream Vera licence) for the rare character Noto lacks. Papers load them through
@font-face under family names of their own, so fontconfig never swaps in whatever a machine
happens to have installed: a paper looks the same, line for line, on every machine, and each
PDF embeds (subset) the shipped faces. Nothing is downloaded at run time.
"""

from __future__ import annotations

import atexit
import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string

# Serif for official papers (Thông tư 01/2018/TT-VPCP: a Times-like face), sans for the
# e-receipt; both families carry every Vietnamese letter with its diacritics.
FONT_STACK = "'DVCTT Noto Serif', 'DVCTT DejaVu Serif', serif"
SANS_FONT_STACK = "'DVCTT Noto Sans', 'DVCTT DejaVu Sans', sans-serif"

_NOTO_SERIF = "@expo-google-fonts/noto-serif/{0}/NotoSerif_{0}.ttf"
_NOTO_SANS = "@expo-google-fonts/noto-sans/{0}/NotoSans_{0}.ttf"
_DEJAVU = "dejavu-fonts-ttf/ttf/{0}.ttf"
# (family, weight, style, file under node_modules): the faces the papers use.
SHIPPED_FONTS: tuple[tuple[str, int, str, str], ...] = (
    ("DVCTT Noto Serif", 400, "normal", _NOTO_SERIF.format("400Regular")),
    ("DVCTT Noto Serif", 400, "italic", _NOTO_SERIF.format("400Regular_Italic")),
    ("DVCTT Noto Serif", 700, "normal", _NOTO_SERIF.format("700Bold")),
    ("DVCTT Noto Serif", 700, "italic", _NOTO_SERIF.format("700Bold_Italic")),
    ("DVCTT Noto Sans", 400, "normal", _NOTO_SANS.format("400Regular")),
    ("DVCTT Noto Sans", 400, "italic", _NOTO_SANS.format("400Regular_Italic")),
    ("DVCTT Noto Sans", 700, "normal", _NOTO_SANS.format("700Bold")),
    ("DVCTT Noto Sans", 700, "italic", _NOTO_SANS.format("700Bold_Italic")),
    ("DVCTT DejaVu Serif", 400, "normal", _DEJAVU.format("DejaVuSerif")),
    ("DVCTT DejaVu Serif", 400, "italic", _DEJAVU.format("DejaVuSerif-Italic")),
    ("DVCTT DejaVu Serif", 700, "normal", _DEJAVU.format("DejaVuSerif-Bold")),
    ("DVCTT DejaVu Serif", 700, "italic", _DEJAVU.format("DejaVuSerif-BoldItalic")),
    ("DVCTT DejaVu Sans", 400, "normal", _DEJAVU.format("DejaVuSans")),
    ("DVCTT DejaVu Sans", 400, "italic", _DEJAVU.format("DejaVuSans-Oblique")),
    ("DVCTT DejaVu Sans", 700, "normal", _DEJAVU.format("DejaVuSans-Bold")),
    ("DVCTT DejaVu Sans", 700, "italic", _DEJAVU.format("DejaVuSans-BoldOblique")),
)


def shipped_font_paths() -> list[Path]:
    """Return the files of the shipped fonts; refuse to go on without them."""
    root = Path(settings.BASE_DIR) / "node_modules"
    paths = [root / name for _family, _weight, _style, name in SHIPPED_FONTS]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        # A paper in a machine's fallback font would wrap differently: fail, say how to fix.
        raise ImproperlyConfigured(
            f"Thiếu phông chữ của giấy tờ ({missing[0]}): chạy `make install` (npm ci)."
        )
    return paths


def font_face_css() -> str:
    """Return the @font-face rules of the shipped fonts (local file URLs)."""
    paths = shipped_font_paths()
    return "\n".join(
        f"@font-face {{ font-family: '{family}'; font-weight: {weight}; "
        f"font-style: {style}; src: url('{path.as_uri()}') format('truetype'); }}"
        for (family, weight, style, _name), path in zip(SHIPPED_FONTS, paths, strict=True)
    )


def sha256_hex(data: bytes) -> str:
    """Return the hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


def blank_pdf(note: str = "DVCTT") -> bytes:
    """Return a small valid one-page PDF (A4, blank): demo data and tests' uploads."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
    ]
    out = b"%PDF-1.4\n% " + note.encode("ascii", "replace") + b"\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj %s endobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


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


@lru_cache(maxsize=1)
def _font_faces():
    from weasyprint import CSS

    # Parsed once per process: the faces are registered in the cached font configuration.
    return CSS(string=font_face_css(), font_config=_font_config())


def _drop_font_caches() -> None:
    # Release the cached faces while the interpreter is still whole: WeasyPrint's
    # FontConfiguration.__del__ needs its module's globals, which are gone at final teardown
    # (it then prints "TypeError: 'NoneType' object is not callable" at every exit).
    _font_faces.cache_clear()
    _font_config.cache_clear()


atexit.register(_drop_font_caches)


def html_to_pdf(html: str) -> bytes:
    """Render an HTML document (with its own <style>) to PDF bytes, in the shipped fonts."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[_font_faces()], font_config=_font_config()
    )


def template_to_pdf(template_name: str, context: dict) -> bytes:
    """Render a Django template to PDF bytes."""
    return html_to_pdf(
        render_to_string(
            template_name, {"font_stack": FONT_STACK, "sans_font_stack": SANS_FONT_STACK, **context}
        )
    )
