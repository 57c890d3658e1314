"""Someone seizes the server: the database, media, settings and logs give away no contact,
no receipt token and no IP address, in clear or trivially encoded. The database may hold the
claims of counted-but-unnamed signers; no public page may show them.

Runs on SQLite (the database copied page by page, plus a SQL dump) and, when DATABASE_URL
points at PostgreSQL, on a `pg_dump` of the test database.
"""

import base64
import io
import ipaddress
import logging
import os
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase
from django.urls import reverse

from tests.base import Personas, sign_through_form
from tests.security.public_pages import public_pages
from tests.vault.keys import make_identity
from undersigned.signatures import actions
from undersigned.signatures.models import Signature
from undersigned.vault.actions import add_verifier_key, export_contacts

SIGNERS = [
    # name, publication, contact kind, contact, address
    ("Канарейкин Явный Открытович", "named", "phone", "+79990001122", "198.51.100.77"),
    (
        "Канарейкина Тайна Скрытовна",
        "anonymous",
        "email",
        "kanareyka.tajna@example.org",
        "203.0.113.99",
    ),
    (
        "Канарейкин Ждущий Порогович",
        "conditional",
        "telegram",
        "@kanareyka_zhdet",
        "2001:db8:77:1::5",
    ),
    ("Канарейкина Безымянная Молчовна", "anonymous", "", "", "192.0.2.55"),
]
HIDDEN_NAMES = [name for name, publication, *_ in SIGNERS if publication != "named"]


class CollectLogs(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def encodings(secret: str) -> set[str]:
    """The secret as it might appear in a dump: clear, hex, base64."""
    raw = secret.encode()
    forms = {
        secret,
        raw.hex(),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
    }
    try:
        forms.add(ipaddress.ip_address(secret).packed.hex())
        forms.add(ipaddress.ip_address(secret).exploded)
    except ValueError:
        pass
    if secret.startswith("+"):
        forms.add(secret[1:])
    return {form for form in forms if len(form) >= 8}


def token_encodings(token: str) -> set[str]:
    forms = encodings(token)
    forms.add(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).hex())
    return forms


def dump_database() -> Iterator[tuple[str, bytes]]:
    vendor = connection.vendor
    if vendor == "sqlite":
        connection.ensure_connection()
        live = connection.connection
        yield "sql dump", "\n".join(live.iterdump()).encode()
        with tempfile.TemporaryDirectory() as directory:
            copy = sqlite3.connect(Path(directory) / "seized.sqlite3")
            live.backup(copy)
            copy.close()
            yield "database file", (Path(directory) / "seized.sqlite3").read_bytes()
    elif vendor == "postgresql":
        params = connection.settings_dict
        env = dict(os.environ, PGPASSWORD=params.get("PASSWORD") or "")
        result = subprocess.run(
            [
                "pg_dump",
                "-h",
                params["HOST"] or "127.0.0.1",
                "-p",
                str(params["PORT"] or 5432),
                "-U",
                params["USER"] or "postgres",
                "-d",
                params["NAME"],
            ],
            env=env,
            capture_output=True,
            check=True,
        )
        assert b"signatures_signature" in result.stdout
        yield "pg_dump", result.stdout
    else:
        raise AssertionError(f"no dump for {vendor}")


def files_under(root: Path) -> Iterator[tuple[str, bytes]]:
    if root.exists():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                yield str(path), path.read_bytes()


class SeizureTest(Personas, TransactionTestCase):
    def setUp(self) -> None:
        self.create_personas()
        self.letter = self.make_campaign("seized", reveal_thresholds=[50])
        keys = Path(tempfile.mkdtemp())
        _, public = make_identity(keys, "vera")
        add_verifier_key(public, "Vera", campaign=self.letter)
        self.logs = CollectLogs()
        logging.getLogger().addHandler(self.logs)
        self.previous_level = logging.getLogger().level
        logging.getLogger().setLevel(logging.DEBUG)

    def tearDown(self) -> None:
        logging.getLogger().removeHandler(self.logs)
        logging.getLogger().setLevel(self.previous_level)

    def sign_through_the_form(self) -> list[str]:
        tokens = []
        for n, (name, publication, kind, contact, address) in enumerate(SIGNERS):
            form = {
                "full_name": name,
                "office": "депутат",
                "body": f"Совет канареек {n}",
                "municipality": f"Канареечный округ {n}",
                "region": "RU-SPE",
                "publication": publication,
                "contact_kind": kind,
                "contact": contact,
            }
            if publication == "conditional":
                form["reveal_threshold"] = "50"
            response = sign_through_form(
                self.client, reverse("sign", args=[self.letter.slug]), form, REMOTE_ADDR=address
            )
            assert response.status_code == 302, response.content.decode()[:2000]
            tokens.append(response["Location"].split("/")[2])
        return tokens

    def test_a_seized_server_gives_away_no_contact_token_or_address(self) -> None:
        tokens = self.sign_through_the_form()
        signatures = list(Signature.objects.filter(campaign=self.letter).order_by("id"))
        assert len(signatures) == len(SIGNERS)
        assert all(len(s.client_hash) == 64 for s in signatures)
        for signature in signatures:
            actions.verify_signature(signature, actor=self.verifier, note="confirmed")
        # The signers use their receipts: the tokens travel in request paths.
        for token in tokens:
            assert self.client.get(f"/r/{token}/?lang=en").status_code == 200
        named_token = tokens[0]
        self.client.post(f"/r/{named_token}/publication/", {"publication": "anonymous"})
        self.client.post(f"/r/{tokens[3]}/withdraw/", {"confirm": "yes"})
        # The periodic jobs run as in production (counts, log, retention, ...).
        call_command("run_periodic", "--once", stdout=io.StringIO())
        # A verifier downloads the bundle (written elsewhere, not on the server).
        assert export_contacts(self.letter)

        secrets: dict[str, set[str]] = {}
        for _, _, _, contact, address in SIGNERS:
            secrets[f"address {address}"] = encodings(address)
            if contact:
                secrets[f"contact {contact}"] = encodings(contact)
        for token in tokens:
            secrets[f"token {token[:4]}…"] = token_encodings(token)

        seized: list[tuple[str, bytes]] = [*dump_database()]
        seized += files_under(Path(settings.MEDIA_ROOT))
        seized += files_under(Path(settings.VAR_DIR))
        seized.append(("environment", repr(sorted(os.environ.items())).encode()))
        seized.append(
            (
                "settings",
                repr({k: getattr(settings, k) for k in dir(settings) if k.isupper()}).encode(),
            )
        )
        seized.append(("logs", "\n".join(self.logs.lines).encode()))
        if "locmem" in settings.CACHES["default"]["BACKEND"]:
            seized.append(("cache", repr(dict(getattr(cache, "_cache", {}))).encode()))
        # The dump is real: it holds what the safety model says it may.
        assert any(HIDDEN_NAMES[0].encode() in blob for _, blob in seized)

        found = [
            f"{what} in {where}"
            for where, blob in seized
            for what, forms in secrets.items()
            if any(form.encode() in blob for form in forms)
        ]
        assert found == []

        # What the safety model allows in the database: the unnamed signers' claims...
        database = b"".join(blob for where, blob in seized if where in ("sql dump", "pg_dump"))
        assert all(name.encode() in database for name in HIDDEN_NAMES)
        # ...but never on a public page.
        self.refresh_counts()
        leaks = [
            f"{name} on {page.url}"
            for page in public_pages(self.client, [self.letter.slug, self.campaign.slug])
            for name in HIDDEN_NAMES
            if name in page.body
        ]
        assert leaks == []
        contacts_or_addresses = [
            f"{what} on {page.url}"
            for page in public_pages(self.client, [self.letter.slug])
            for what, forms in secrets.items()
            if not what.startswith("token") and any(form in page.body for form in forms)
        ]
        assert contacts_or_addresses == []
