"""Drawing the letter as delivered (undersigned.ledger.letter) as a PDF with fpdf2.

The font (PT Sans, SIL Open Font License) comes with the `fontpkg-pt-sans` package, so
Cyrillic renders wherever the project installs.
"""

import base64
import json
import logging
from collections import Counter
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import qrcode
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from undersigned.campaigns.models import Campaign
from undersigned.ledger import paths, tally
from undersigned.ledger.models import Checkpoint, LogEntry
from undersigned.officials.regions import region_name
from undersigned.signatures import public

# fontTools tells every glyph it keeps while fpdf2 subsets the font: not for the logs.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT = "PT Sans"
FONT_FILES = {"": "PT_Sans-Web-Regular.ttf", "B": "PT_Sans-Web-Bold.ttf"}


def _font_path(name: str) -> str:
    return str(resources.files("fontpkg_pt_sans") / "files" / name)


def named_at(campaign: Campaign, size: int) -> list[Any]:
    """The signatories who may be named now and whom the log counts as verified at `size`."""
    signatories = public.named_signatories(campaign).only(
        "handle", "full_name", "office", "body", "region_code"
    )
    named = list(signatories.iterator(chunk_size=2000))
    by_handle = {s.handle: s for s in named}
    standing = tally.Tally()
    handles = sorted(by_handle)
    for start in range(0, len(handles), 5000):
        rows = LogEntry.objects.filter(
            campaign=campaign, handle__in=handles[start : start + 5000], index__lt=size
        ).order_by("index")
        for index, data in rows.values_list("index", "data"):
            standing.apply(index, json.loads(data))
    return [s for s in named if standing.standing.get(s.handle) == tally.VERIFIED]


def _line(pdf: FPDF, text: str) -> None:
    """A paragraph of plain cells, wrapped at spaces with the font's own glyph widths.
    fpdf2's multi_cell re-measures a line at each character (a 10,000-name letter took
    minutes with it); a word that alone is wider than the page still goes to it."""
    font: Any = pdf.current_font  # a TrueType font: `cw` maps code points to widths
    scale = pdf.font_size_pt * 0.001 / pdf.k
    try:
        widths = [sum(font.cw[ord(ch)] for ch in word) * scale for word in text.split(" ")]
    except (IndexError, KeyError, TypeError, AttributeError):
        widths = []
    if not widths or max(widths) > pdf.epw:
        pdf.multi_cell(0, 5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        return
    space = font.cw[ord(" ")] * scale
    line: list[str] = []
    used = 0.0
    for word, width in zip(text.split(" "), widths, strict=True):
        if line and used + space + width > pdf.epw:
            pdf.cell(0, 5, " ".join(line), new_x="LMARGIN", new_y="NEXT")
            line, used = [], 0.0
        used += (space if line else 0.0) + width
        line.append(word)
    pdf.cell(0, 5, " ".join(line), new_x="LMARGIN", new_y="NEXT")


class LetterPDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(0, 6, self.footer_text, align="C")


def build_letter(campaign: Campaign, checkpoint: Checkpoint) -> bytes:
    language = campaign.original_language
    figures = checkpoint.figures_data() or {"verified": 0, "checking": 0, "regions": {}}
    time = checkpoint.time or checkpoint.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    moment = datetime.strptime(time, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    cite_url = f"{settings.SITE_URL}/{paths.cite_page(campaign.slug, checkpoint.size)}"
    root_text = base64.b64encode(checkpoint.body().root).decode()
    named = named_at(campaign, checkpoint.size)
    with translation.override(language):
        original = campaign.text_for(language)
        pdf = LetterPDF(format="A4", enforce_compliance="PDF/A-2B")
        pdf.footer_text = _("Checkpoint %(size)s of the public log, root %(root)s") % {
            "size": checkpoint.size,
            "root": root_text,
        }
        pdf.set_title(original.title)
        pdf.set_creator("undersigned")
        pdf.set_creation_date(moment)
        pdf.set_lang(language)
        for style, name in FONT_FILES.items():
            pdf.add_font(FONT, style, _font_path(name))
        pdf.set_margins(20, 18, 20)
        pdf.set_auto_page_break(True, margin=18)
        pdf.add_page()
        addressee = original.addressee or campaign.addressee
        pdf.set_font(FONT, size=10)
        if addressee:
            pdf.multi_cell(0, 5, addressee, align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 5, moment.strftime("%Y-%m-%d"), align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font(FONT, "B", size=16)
        pdf.multi_cell(0, 8, original.title, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font(FONT, size=11)
        pdf.multi_cell(0, 6, original.body, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)

        pdf.set_font(FONT, "B", size=12)
        pdf.multi_cell(0, 7, _("Figures of the public log"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, size=10)
        citation = checkpoint.citation(figures, time)
        for line in (
            citation.line(language),
            _("Anyone can check these figures: %(url)s") % {"url": cite_url},
        ):
            pdf.multi_cell(0, 5, line, align="L", new_x="LMARGIN", new_y="NEXT")
        image = qrcode.QRCode(box_size=8, border=4)
        image.add_data(cite_url)
        pdf.image(image.make_image().get_image().convert("L"), x=pdf.l_margin, w=40)
        pdf.ln(2)

        pdf.set_font(FONT, "B", size=12)
        pdf.multi_cell(0, 7, _("Signatories"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, size=10)
        named_regions: Counter[str] = Counter()
        for number, signatory in enumerate(named, 1):
            code = signatory.region_code or tally.NO_REGION
            named_regions[code] += 1
            region = region_name(signatory.region_code, language) if signatory.region_code else ""
            details = ", ".join(part for part in (signatory.office, signatory.body, region) if part)
            _line(pdf, f"{number}. {signatory.full_name} — {details}")
        if not named:
            pdf.multi_cell(0, 5, _("No signatory is named."), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        pdf.set_font(FONT, "B", size=12)
        pdf.multi_cell(
            0, 7, _("Verified signatories who are not named"), new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_font(FONT, size=10)
        regions = figures.get("regions") or {}
        if campaign.publish_region_counts and regions:
            rows = [
                (code, cell["verified"] - named_regions.get(code, 0))
                for code, cell in sorted(regions.items())
            ]
            for code, unnamed in rows:
                if unnamed > 0:
                    name = region_name(code, language) if code != tally.NO_REGION else "—"
                    _line(pdf, f"{name}: {unnamed}")
            total = sum(max(unnamed, 0) for _, unnamed in rows)
        else:
            total = max(figures["verified"] - len(named), 0)
        pdf.multi_cell(0, 5, _("In all: %(n)s") % {"n": total}, new_x="LMARGIN", new_y="NEXT")

        translations = [t for t in campaign.texts.all() if t.language != language]
        for text in translations:
            pdf.add_page()
            pdf.set_font(FONT, "B", size=12)
            pdf.multi_cell(
                0,
                7,
                _("Annex: translation (%(language)s)") % {"language": text.language},
                new_x="LMARGIN",
                new_y="NEXT",
            )
            pdf.set_font(FONT, "B", size=14)
            pdf.multi_cell(0, 7, text.title, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(FONT, size=11)
            pdf.multi_cell(0, 6, text.body, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
