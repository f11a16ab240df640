"""The readable PDF of an issued document, before it is signed (fpdf2).

Text is set in a Unicode TrueType font with HarfBuzz shaping and the bidi algorithm, so
Russian and Dari read correctly; each paragraph is aligned by its own direction. Labels are in
the language active when the document is issued.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import qrcode
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from fpdf import FPDF

from govhub.core.errors import RuleBroken
from govhub.core.formats import long_date

# Where Debian/Ubuntu, Fedora, Arch and macOS keep a font with Latin, Cyrillic and Arabic.
FONT_CANDIDATES: tuple[tuple[str, str], ...] = (
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf",
    ),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    ("/System/Library/Fonts/Supplemental/Arial Unicode.ttf", ""),
)
FAMILY = "govhub"
CORE_FAMILY = "helvetica"  # PDF's built-in font: Latin-1 only, used when no font is found
MARGIN = 20.0  # millimetres
QR_SIZE = 32.0


@dataclass(frozen=True)
class DocumentContent:
    """What the PDF shows."""

    number: str
    title: str
    legal_status: str
    issuer_label: str
    issued_at: datetime.datetime
    text: str
    verify_url: str


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str


def document_fonts() -> Fonts | None:
    """The configured font, else the first one found on this machine, else None."""
    regular: str = settings.GOVHUB_DOCUMENT_FONT
    bold: str = settings.GOVHUB_DOCUMENT_FONT_BOLD
    if regular:
        for path in (regular, bold):
            if path and not Path(path).is_file():
                raise ImproperlyConfigured(f"The document font {path} does not exist.")
        return Fonts(regular, bold or regular)
    for candidate, candidate_bold in FONT_CANDIDATES:
        if Path(candidate).is_file():
            has_bold = bool(candidate_bold) and Path(candidate_bold).is_file()
            return Fonts(candidate, candidate_bold if has_bold else candidate)
    return None


class _Pdf(FPDF):
    """A4 with the document's number and the page count in every page's footer."""

    family = CORE_FAMILY
    number = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.set_text_color(80)
        text = _("%(number)s · page %(page)s of %(pages)s") % {
            "number": self.number,
            "page": self.page_no(),
            "pages": self.str_alias_nb_pages,
        }
        self.cell(0, 5, text, align="C")


def render_pdf(content: DocumentContent) -> bytes:
    """The unsigned PDF: heading, facts, the text with line wrapping, and the QR code."""
    fonts = document_fonts()
    pdf = _Pdf(format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    if fonts is None:
        _require_latin1(content)
    else:
        pdf.add_font(FAMILY, "", fonts.regular)
        pdf.add_font(FAMILY, "B", fonts.bold)
        pdf.set_text_shaping(True)
        pdf.family = FAMILY
    _metadata(pdf, content)
    pdf.number = content.number
    pdf.add_page()
    _heading(pdf, content)
    _paragraphs(pdf, content.text, size=11, line=6)
    _verification(pdf, content)
    return bytes(pdf.output())


def _require_latin1(content: DocumentContent) -> None:
    try:
        for value in (content.title, content.legal_status, content.issuer_label, content.text):
            value.encode("latin-1")
    except UnicodeEncodeError:
        raise RuleBroken(
            _(
                "This document uses characters that need a Unicode font, and none is installed "
                "on the server. Ask the administrator to install DejaVu Sans or to set "
                "GOVHUB_DOCUMENT_FONT."
            ),
            code="document_font_missing",
        ) from None


def _metadata(pdf: _Pdf, content: DocumentContent) -> None:
    pdf.set_title(content.title)
    pdf.set_subject(content.number)
    pdf.set_author(content.issuer_label)
    pdf.set_creator("GovHub")
    pdf.set_lang(get_language() or settings.LANGUAGE_CODE)
    pdf.set_creation_date(content.issued_at)


def _heading(pdf: _Pdf, content: DocumentContent) -> None:
    pdf.set_font(pdf.family, "B", 11)
    _paragraph(pdf, content.issuer_label, line=6)
    pdf.ln(4)
    pdf.set_font(pdf.family, "B", 16)
    _paragraph(pdf, content.title, line=8)
    pdf.ln(2)
    pdf.set_font(pdf.family, "", 10)
    local = timezone.localtime(content.issued_at)
    issued = f"{long_date(local)} ({local:%Y-%m-%d %H:%M} {local.tzname()})"
    for label, value in (
        (_("Number"), content.number),
        (_("Date of issue"), issued),
        (_("Legal status"), content.legal_status),
        (_("Issued by"), content.issuer_label),
    ):
        _paragraph(pdf, f"{label}: {value}", line=5.5)
    pdf.ln(3)
    pdf.set_draw_color(150)
    pdf.line(MARGIN, pdf.get_y(), pdf.w - MARGIN, pdf.get_y())
    pdf.ln(5)


def _paragraphs(pdf: _Pdf, text: str, *, size: float, line: float) -> None:
    pdf.set_font(pdf.family, "", size)
    for paragraph in text.replace("\r\n", "\n").split("\n"):
        if paragraph.strip():
            _paragraph(pdf, paragraph, line=line)
        else:
            pdf.ln(line / 2)


def _paragraph(pdf: _Pdf, text: str, *, line: float) -> None:
    pdf.multi_cell(
        0, line, text, align="R" if _right_to_left(text) else "L", new_x="LMARGIN", new_y="NEXT"
    )


def _right_to_left(text: str) -> bool:
    """The direction of the first strongly directional character (Unicode bidi rule P2)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def _verification(pdf: _Pdf, content: DocumentContent) -> None:
    """The QR code of the public verification page, with its address written out."""
    pdf.ln(8)
    if pdf.will_page_break(QR_SIZE + 4):
        pdf.add_page()
    top = pdf.get_y()
    _qr_code(pdf, content.verify_url, x=MARGIN, y=top, size=QR_SIZE)
    pdf.set_xy(MARGIN + QR_SIZE + 6, top)
    pdf.set_font(pdf.family, "", 9)
    width = pdf.w - 2 * MARGIN - QR_SIZE - 6
    for text in (
        _("Check this document is authentic at:"),
        content.verify_url,
        _(
            "This document is signed electronically: any change to the file voids the "
            "signature. Check a printed copy against the document shown at this address."
        ),
    ):
        pdf.set_x(MARGIN + QR_SIZE + 6)
        align = "R" if _right_to_left(text) else "L"
        pdf.multi_cell(width, 4.5, text, align=align, new_x="LEFT", new_y="NEXT")
        pdf.ln(1)


def _qr_code(pdf: _Pdf, data: str, *, x: float, y: float, size: float) -> None:
    """Draw the QR code as vector squares (sharp at any zoom, no image library needed)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = size / len(matrix)
    pdf.set_fill_color(0)
    for row, modules in enumerate(matrix):
        start = None
        for column, dark in enumerate([*modules, False]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                pdf.rect(x + start * cell, y + row * cell, (column - start) * cell, cell, "F")
                start = None
