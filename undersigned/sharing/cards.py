"""Link-preview card images: a campaign's title and verified count, one PNG per language.

Files are cached under MEDIA_ROOT/cards, named by campaign, language and count,
so a changed count makes a new file on the next request and the old one is removed.
"""

import os
import tempfile
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from undersigned.campaigns.models import Campaign

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
PAPER, INK, MUTED, VERIFIED, ACCENT = "#fdfdfb", "#1b1b1f", "#5b5b66", "#1d7a3e", "#0b5cad"

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def font(size: int, bold: bool = False) -> Font:
    """DejaVu (Cyrillic included) when the system has it, else Pillow's own font."""
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def wrap(text: str, face: Font, width: int, max_lines: int) -> list[str]:
    """Words laid into lines no wider than `width`; the last line ends in "…" when cut."""
    lines: list[str] = []
    for word in text.split():
        if lines and face.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and face.getlength(last + " …") > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + " …"
    return lines


def site_name() -> str:
    return urlsplit(settings.SITE_URL).netloc or "undersigned"


def render_card(title: str, verified: int, language: str) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 14), fill=ACCENT)
    title_face = font(56, bold=True)
    y = MARGIN
    for line in wrap(title, title_face, WIDTH - 2 * MARGIN, 4):
        draw.text((MARGIN, y), line, font=title_face, fill=INK)
        y += 70
    with translation.override(language):
        # A caption beside the number, so no plural form has to agree with it.
        label = _("Verified signatures:")
        note = _("Only verified signatures are counted.")
    number_face = font(120, bold=True)
    number = f"{verified:,}".replace(",", "\u202f")
    base = HEIGHT - MARGIN - 150
    label_face = font(40)
    draw.text((MARGIN, base + 44), label, font=label_face, fill=INK)
    number_x = MARGIN + label_face.getlength(label) + 24
    draw.text((number_x, base), number, font=number_face, fill=VERIFIED)
    draw.text((MARGIN, HEIGHT - MARGIN - 8), note, font=font(28), fill=MUTED)
    site = site_name()
    site_face = font(28, bold=True)
    draw.text(
        (WIDTH - MARGIN - site_face.getlength(site), HEIGHT - MARGIN - 8),
        site,
        font=site_face,
        fill=ACCENT,
    )
    return image


def card_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "cards"


def card_path(campaign: Campaign, language: str, verified: int) -> Path:
    """The card file for this count, drawn now if it is not on disk yet."""
    folder = card_dir()
    path = folder / f"{campaign.pk}-{language}-{verified}.png"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    image = render_card(campaign.text_for(language).title, verified, language)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        image.save(out, "PNG", optimize=True)
    os.replace(temporary, path)
    for old in folder.glob(f"{campaign.pk}-{language}-*.png"):
        if old != path:
            old.unlink(missing_ok=True)
    return path
