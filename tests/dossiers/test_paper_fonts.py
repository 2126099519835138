"""Papers are set in the fonts shipped with the project, whatever fonts the machine has."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from dossiers.papers import documents
from dvctt import pdf
from tests.dossiers.conftest import make_submitted
from tests.dossiers.papers import pdf_font_names, pdf_text, run

pytestmark = pytest.mark.django_db

# Renders a paper from its data in a process that sees no system font at all.
RENDER = """
import json, sys
import django

django.setup()
from dossiers.papers import documents

data = json.loads(sys.stdin.read())
sys.stdout.buffer.write(documents.render_pdf("receipt", data, token="t" * 43))
"""


def _no_system_fonts(tmp_path) -> dict[str, str]:
    """Environment of a process whose fontconfig knows no font directory (a bare machine)."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n"
    )
    return {
        **os.environ,
        "FONTCONFIG_FILE": str(conf),
        "DJANGO_SETTINGS_MODULE": "dvctt.settings.test",
        "PYTHONPATH": str(settings.BASE_DIR),
    }


def test_a_paper_embeds_the_shipped_fonts_and_reads_the_same_without_system_fonts(
    tmp_path, citizen, procedure, reception
):
    dossier = run(make_submitted(citizen, procedure), reception, "receive")
    data = json.loads(json.dumps(documents.document_data(dossier, "receipt"), default=str))

    here = documents.render_pdf("receipt", data, token="t" * 43)
    bare = subprocess.run(
        [sys.executable, "-c", RENDER],
        input=json.dumps(data).encode(),
        cwd=settings.BASE_DIR,
        env=_no_system_fonts(tmp_path),
        capture_output=True,
        timeout=120,
    )
    assert bare.returncode == 0, bare.stderr.decode()[-2000:]

    # Regular, bold and italic of the shipped Noto Serif, under the papers' own family name:
    # a face fontconfig picked from the machine would carry its own name (NotoSerif-Bold…).
    assert {"DVCTT-Noto-Serif", "DVCTT-Noto-Serif-Bold", "DVCTT-Noto-Serif-Italic"} <= (
        pdf_font_names(here)
    )
    assert all(name.startswith("DVCTT-") for name in pdf_font_names(here))
    assert pdf_font_names(bare.stdout) == pdf_font_names(here)
    # Same words on the same lines: the national header does not wrap on either machine.
    assert pdf_text(bare.stdout) == pdf_text(here)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n" in pdf_text(here)


def test_every_shipped_font_is_installed_with_its_licence():
    paths = pdf.shipped_font_paths()
    assert len(paths) == len(pdf.SHIPPED_FONTS) and all(p.stat().st_size > 100_000 for p in paths)
    node_modules = settings.BASE_DIR / "node_modules"
    for package, licence in (
        ("@expo-google-fonts/noto-serif", "LICENSE_FONT"),
        ("@expo-google-fonts/noto-sans", "LICENSE_FONT"),
        ("dejavu-fonts-ttf", "LICENSE"),
    ):
        text = (node_modules / package / licence).read_text()
        assert "Open Font License" in text or "Bitstream" in text
    css = pdf.font_face_css()
    assert css.count("@font-face") == len(paths) and "url('file:///" in css
