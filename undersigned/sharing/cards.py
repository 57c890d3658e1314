"""Link-preview card images: a campaign's title and verified count, one PNG per language.

Files are kept under MEDIA_ROOT/cards/<campaign>/card.<language>.png, the count they
show written in the PNG itself. A changed count draws the card again into a new file
that replaces the old one atomically; nothing is ever deleted, so a request that has
the old file open still reads it whole.
"""

import os
import tempfile
from functools import cache
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin, UnidentifiedImageError

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


def card_dir(campaign: Campaign) -> Path:
    return Path(settings.MEDIA_ROOT) / "cards" / str(campaign.pk)


COUNT_CHUNK = "verified"


def _shows(handle: BinaryIO, verified: int) -> bool:
    try:
        with Image.open(handle) as image:
            shown = getattr(image, "text", {}).get(COUNT_CHUNK)
    except (UnidentifiedImageError, OSError, SyntaxError):
        return False
    finally:
        handle.seek(0)
    return shown == str(verified)


def open_card(campaign: Campaign, language: str, verified: int) -> BinaryIO:
    """The card showing this count, opened for reading; drawn now if the file shows another."""
    folder = card_dir(campaign)
    path = folder / f"card.{language}.png"
    try:
        handle: BinaryIO = path.open("rb")
    except FileNotFoundError:
        pass
    else:
        if _shows(handle, verified):
            return handle
        handle.close()
    folder.mkdir(parents=True, exist_ok=True)
    image = render_card(campaign.text_for(language).title, verified, language)
    info = PngImagePlugin.PngInfo()
    info.add_text(COUNT_CHUNK, str(verified))
    descriptor, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(descriptor, "wb") as out:
        image.save(out, "PNG", optimize=True, pnginfo=info)
    handle = open(temporary, "rb")  # noqa: SIM115  # handed to the response, which closes it
    os.replace(temporary, path)
    return handle
