"""Someone seizes the server: the database, media, settings, logs and cache give away no
contact, receipt token or IP address, and nothing that names a hidden signer once decided,
in clear or trivially encoded.

Canary claims (a unique surname, a unique council, a registry official with a unique
source id) are planted for (a) a verified anonymous signer, (b) a conditional signer below
their threshold and (c) an anonymous signer who also asked for updates by e-mail. They sign
through the real form; verification, the registry matcher, the count job, the subscription
job (mailing through a real SMTP server, the link followed) and retention run; then
everything is dumped. The registry (public data) and the subscribers' table (addresses kept
in clear, the form says so) are set aside, and the test checks that nothing ties them to a
signature.

Runs on SQLite (a SQL dump and the database file copied page by page) and, when
DATABASE_URL points at PostgreSQL, on a `pg_dump` of the test database (and Redis's
keys when REDIS_URL is set).
"""

import base64
import io
import ipaddress
import logging
import os
import re
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, models
from django.test import TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from harness.smtp import SMTPServer
from tests.base import Personas, make_claims, sign_through_form
from tests.security.public_pages import public_pages
from tests.vault.keys import make_identity
from undersigned.audit.models import AuditEvent
from undersigned.campaigns.actions import close_campaign
from undersigned.campaigns.models import Campaign
from undersigned.officials.models import Official
from undersigned.signatures import retention
from undersigned.signatures.actions import withdraw_signature
from undersigned.signatures.models import Signature, hash_token
from undersigned.updates import actions as update_actions
from undersigned.updates.models import Subscription, SubscriptionRequest
from undersigned.vault.actions import add_verifier_key
from undersigned.vault.actions import attach_contact as add_contact
from undersigned.vault.models import ContactCiphertext
from undersigned.verification import actions as decide
from undersigned.verification.contacts import export_contacts
from undersigned.verification.models import Decision
from undersigned.verification.sealed import export_sealed
from undersigned.web import published
from undersigned.web.exports import build_exports

# The hidden signers' canaries: surname, council, registry source id.
CANARIES = {
    "a": ("Щеглоканарейкина", "Совет Канареечного Острова 7731", "CANARY-SRC-A-93817"),
    "b": ("Чижеканарейкин", "Совет Чижиного Берега 8842", "CANARY-SRC-B-27461"),
    "c": ("Снегиреканарейкина", "Совет Снегириной Рощи 9953", "CANARY-SRC-C-51190"),
}
CANARY_EMAIL = "snegir.kanareyka.9953@example.org"
SIGNERS = [
    # key, full name, publication, contact kind, contact, address
    ("a", "Щеглоканарейкина Тайна Скрытовна", "anonymous", "email", "tajna.a@example.org",
     "203.0.113.99"),
    ("b", "Чижеканарейкин Ждущий Порогович", "conditional", "telegram", "@kanareyka_zhdet",
     "2001:db8:77:1::5"),
    ("c", "Снегиреканарейкина Вестница Письмовна", "anonymous", "phone", "+79990003344",
     "192.0.2.55"),
    ("named", "Открытов Явный Именович", "named", "phone", "+79990001122", "198.51.100.77"),
    ("pending", "Ожидайкин Очередной Ждунович", "anonymous", "", "", "198.51.100.78"),
    ("turned", "Передумкина Бывшая Открытовна", "named", "", "", "198.51.100.79"),
    ("gone", "Ушедшева Отозванная Именовна", "named", "phone", "+79990005566", "198.51.100.80"),
]  # fmt: skip
# Signers the server must keep nothing of in clear: hidden and decided, or withdrawn.
SEALED = (*CANARIES, "turned", "gone")
# The task queue of production: rows written, run by the worker, as `make serve` does.
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Tables a seizure may read addresses or public data from, set aside before searching.
PUBLIC_REGISTRY = "officials_official"
SUBSCRIBERS = "updates_subscription"


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
        secret.lower(),
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


def without_tables(dump: str, tables: tuple[str, ...]) -> str:
    """A SQL dump (SQLite's INSERT lines or pg_dump's COPY blocks) without these tables' rows."""
    kept, skipping = [], False
    for line in dump.splitlines():
        if skipping:
            skipping = line != "\\."
            continue
        if any(re.match(rf'COPY (public\.)?"?{t}"? ', line) for t in tables):
            skipping = True
            continue
        if any(line.startswith(f'INSERT INTO "{t}"') for t in tables):
            continue
        kept.append(line)
    return "\n".join(kept)


def dump_database(set_aside: tuple[str, ...]) -> Iterator[tuple[str, bytes]]:
    vendor = connection.vendor
    if vendor == "sqlite":
        connection.ensure_connection()
        live = connection.connection
        yield "sql dump", without_tables("\n".join(live.iterdump()), set_aside).encode()
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "seized.sqlite3"
            copy = sqlite3.connect(path)
            live.backup(copy)
            # The copy page by page, free pages included, with the set-aside rows zeroed.
            copy.execute("PRAGMA secure_delete=ON")
            for table in set_aside:
                copy.execute(f'DELETE FROM "{table}"')  # noqa: S608  # fixed names
            copy.commit()
            copy.close()
            yield "database file", path.read_bytes()
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
        yield "pg_dump", without_tables(result.stdout.decode(), set_aside).encode()
    else:
        raise AssertionError(f"no dump for {vendor}")


def dump_cache() -> bytes:
    backend = settings.CACHES["default"]["BACKEND"]
    if "locmem" in backend:
        return repr(dict(getattr(cache, "_cache", {}))).encode()
    client = cache._cache.get_client(write=False)  # type: ignore[attr-defined]
    return b"\n".join(key + b"=" + (client.dump(key) or b"") for key in client.keys("*"))


def files_under(root: Path) -> Iterator[tuple[str, bytes]]:
    if root.exists():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                yield str(path), path.read_bytes()


def rows_naming(signature_id: int) -> Iterator[tuple[str, dict[str, object]]]:
    """Every row, in every table, that names the signature: the row itself, any row with a
    foreign key to it, its audit events and the task queue's rows that carry its id."""
    for model in apps.get_models():
        conditions = models.Q()
        if model is Signature:
            conditions |= models.Q(pk=signature_id)
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Signature:
                conditions |= models.Q(**{field.attname: signature_id})
        if model is AuditEvent:
            conditions |= models.Q(
                object_type=Signature._meta.label_lower, object_id=str(signature_id)
            )
        if model is DBTaskResult:
            # The arguments are JSON (SQLite cannot search inside it): read every row.
            for row in model._default_manager.values():
                if signature_id in row["args_kwargs"].get("args", []):
                    yield model._meta.db_table, row
            continue
        if not conditions:
            continue
        for row in model._default_manager.filter(conditions).values():
            yield model._meta.db_table, row


def finer_than_the_day(signature_id: int) -> list[str]:
    """The times finer than the day, and the task queue's rows, that name the signature."""
    found = []
    for table, row in rows_naming(signature_id):
        if table == DBTaskResult._meta.db_table:
            found.append(f"{table} row {row['id']}")
            continue
        for name, value in row.items():
            if isinstance(value, datetime) and value.astimezone(UTC).time() != time(0):
                found.append(f"{table}.{name} = {value.isoformat()}")
    return found


def security_table() -> dict[str, dict[str, str]]:
    """SECURITY.md's table *A seized server, stage by stage*: stage -> column -> cell."""
    text = (Path(settings.BASE_DIR) / "SECURITY.md").read_text()
    section = text.split("### A seized server, stage by stage", 1)[1]
    lines = section.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    header = rows[0]
    table = {}
    for cells in rows[2:]:
        table[cells[0]] = dict(zip(header, cells, strict=True))
    return table


def server_files() -> bytes:
    roots = {Path(settings.VAR_DIR), Path(settings.MEDIA_ROOT), Path(settings.EXPORT_ROOT)}
    return b"".join(blob for root in sorted(roots) for _, blob in files_under(root))


def database_holds(phrase: str, signature: Signature, name: str) -> bool:
    """Whether the database holds of `signature` what the phrase of SECURITY.md says."""
    signature.refresh_from_db()
    decisions = Decision.objects.filter(signature=signature)
    contact = ContactCiphertext.objects.filter(signature=signature)
    checks = {
        "the claims in clear": lambda: signature.full_name == name,
        "no claims in clear": lambda: (
            (signature.full_name, signature.office, signature.body, signature.municipality)
            == ("", "", "", "")
            and signature.claims_key.startswith(("sealed-", "destroyed-")) is not False
        ),
        "the matched official": lambda: signature.official_id is not None,
        "no official": lambda: (
            signature.official_id is None and not decisions.exclude(official=None).exists()
        ),
        "exact times": lambda: signature.created_at.astimezone(UTC).time() != time(0),
        "no time finer than the day": lambda: finer_than_the_day(signature.pk) == [],
        "the ciphertext of the claims, official and evidence": lambda: bool(signature.sealed),
        "no ciphertext": lambda: not signature.sealed,
        "the verifiers' notes": lambda: decisions.exclude(note="").exists(),
        "no verifiers' notes": lambda: not decisions.exclude(note="", link="").exists(),
        "the contact, encrypted to the verifiers' keys": lambda: contact.exists(),
        "no contact": lambda: not contact.exists(),
    }
    return checks[phrase]()


def export_files() -> bytes:
    return b"".join(blob for _, blob in files_under(Path(settings.EXPORT_ROOT)))


def page_files() -> bytes:
    return b"".join(blob for _, blob in files_under(Path(settings.PUBLISHED_ROOT) / "pages"))


def files_hold(phrase: str, name: str) -> bool:
    files = server_files()
    checks = {
        "nothing that names the signer": lambda: name.encode() not in files,
        "the name, in the downloads of named signatories and the pages sent as files": lambda: (
            name.encode() in export_files() and name.encode() in page_files()
        ),
    }
    return checks[phrase]()


def task_queue_holds(phrase: str, signature: Signature) -> bool:
    naming = [
        row
        for table, row in rows_naming(signature.pk)
        if table == "django_tasks_database_dbtaskresult"
    ]
    checks = {"no row once the worker has run": lambda: naming == []}
    return checks[phrase]()


class SeizureTest(Personas, TransactionTestCase):
    def setUp(self) -> None:
        # The pages nginx sends as files are written where docs/deploy.md puts them.
        override = override_settings(PUBLISHED_ROOT=str(Path(settings.VAR_DIR) / "published"))
        override.enable()
        self.addCleanup(override.disable)
        self.addCleanup(published.withdraw_all)
        self.create_personas()
        self.letter = self.make_campaign("seized", reveal_thresholds=[50])
        keys = Path(tempfile.mkdtemp())
        _, public = make_identity(keys, "vera")
        add_verifier_key(public, "Vera", campaign=self.letter)
        self.officials = {}
        for key, name, *_ in SIGNERS:
            if key in CANARIES:
                _surname, council, source_id = CANARIES[key]
                self.officials[key] = Official.objects.create(
                    source="canary-registry",
                    source_id=source_id,
                    full_name=name,
                    position="депутат",
                    body=council,
                    municipality=f"Округ {council}",
                    region_code="RU-SPE",
                    region_name="Санкт-Петербург",
                )
        self.logs = CollectLogs()
        logging.getLogger().addHandler(self.logs)
        self.previous_level = logging.getLogger().level
        logging.getLogger().setLevel(logging.DEBUG)

    def tearDown(self) -> None:
        logging.getLogger().removeHandler(self.logs)
        logging.getLogger().setLevel(self.previous_level)

    def sign_through_the_form(self) -> dict[str, str]:
        tokens = {}
        for n, (key, name, publication, kind, contact, address) in enumerate(SIGNERS):
            council = CANARIES[key][1] if key in CANARIES else f"Совет канареек {n}"
            form = {
                "full_name": name,
                "office": "депутат",
                "body": council,
                "municipality": f"Округ {council}",
                "region": "RU-SPE",
                "publication": publication,
                "contact_kind": kind,
                "contact": contact,
            }
            if publication == "conditional":
                form["reveal_threshold"] = "50"
            if key == "c":
                form["updates_email"] = CANARY_EMAIL
            response = sign_through_form(
                self.client, reverse("sign", args=[self.letter.slug]), form, REMOTE_ADDR=address
            )
            assert response.status_code == 302, response.content.decode()[:2000]
            tokens[key] = response["Location"].split("/")[2]
        return tokens

    def verify(self, signature: Signature, key: str) -> None:
        official = self.officials.get(key)
        if official is not None and signature.official_id != official.pk:
            decide.confirm_match(signature, official, actor=self.verifier, note="registry")
        decide.verify(
            signature,
            actor=self.verifier,
            method="public_statement",
            link=f"https://example.org/statement/{CANARIES.get(key, ('x',))[0]}",
            note=f"{signature.full_name} confirmed by phone",
        )

    def confirm_the_subscription(self) -> None:
        with (
            SMTPServer() as smtp,
            override_settings(**smtp.settings(), SITE_URL="https://p.example"),
        ):
            assert update_actions.handle_subscription_requests() == 1
        body = smtp.received[0].get_content()
        link = re.search(r"https://p\.example(/updates/confirm/[^/\s]+/)", body)
        assert link
        assert self.client.post(link.group(1)).status_code == 302

    @override_settings(TASKS=DATABASE_TASKS)
    def test_security_md_says_what_a_copy_holds_at_each_stage(self) -> None:
        table = security_table()
        assert len(table) == 8
        self.letter.registry_source = ""
        self.letter.save()

        def signer(n: int, publication: str = "named") -> tuple[Signature, str]:
            signature, _ = self.sign(make_claims(n), self.letter, publication=publication)
            add_contact(signature, "phone", f"+7999000{n:04d}")
            return signature, make_claims(n).full_name

        def official(n: int) -> Official:
            # One official stands behind one signature of a campaign.
            return Official.objects.create(
                source="stage-registry", source_id=f"stage-{n}", full_name=make_claims(n).full_name
            )

        def decided(n: int, publication: str = "named") -> tuple[Signature, str]:
            signature, name = signer(n, publication)
            decide.confirm_match(signature, official(n), actor=self.verifier, note="looked up")
            decide.verify(signature, actor=self.verifier, method="known", note="called back")
            return signature, name

        received = signer(41, "anonymous")
        matched = signer(42)
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
        decide.confirm_match(matched[0], official(42), actor=self.verifier, note="looked up")
        named = decided(43)
        hidden = decided(44, "anonymous")
        withdrawn = decided(45)
        withdraw_signature(withdrawn[0])
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
        stages = {
            "received": [received],
            "matched": [matched],
            "decided: named and verified": [named],
            "decided: not public": [hidden],
            "withdrawn": [withdrawn],
        }
        self.refresh_counts()
        build_exports()
        self.check_stages(table, stages)

        close_campaign(self.letter, actor=self.organizer)
        Campaign.objects.filter(pk=self.letter.pk).update(
            closed_at=timezone.now() - timedelta(days=settings.RETENTION_DAYS_AFTER_CLOSE + 1)
        )
        retention.apply_retention()
        Campaign.objects.filter(pk=self.letter.pk).update(state=Campaign.OPEN)
        build_exports()
        self.check_stages(
            table,
            {
                "after retention: never verified": [received, matched, withdrawn],
                "after retention: verified and named": [named],
                "after retention: verified, not public": [hidden],
            },
        )

    def check_stages(
        self,
        table: dict[str, dict[str, str]],
        stages: dict[str, list[tuple[Signature, str]]],
    ) -> None:
        wrong = []
        for stage, signers in stages.items():
            row = table[stage]
            for signature, name in signers:
                for phrase in row["database"].split("; "):
                    if not database_holds(phrase, signature, name):
                        wrong.append(f"{stage}: database: {phrase} ({name})")
                for phrase in row["files"].split("; "):
                    if not files_hold(phrase, name):
                        wrong.append(f"{stage}: files: {phrase} ({name})")
                for phrase in row["task queue"].split("; "):
                    if not task_queue_holds(phrase, signature):
                        wrong.append(f"{stage}: task queue: {phrase} ({name})")
        assert wrong == []

    @override_settings(TASKS=DATABASE_TASKS)
    def test_a_seized_server_names_no_hidden_signer_and_gives_away_no_secret(self) -> None:
        tokens = self.sign_through_the_form()
        # The registry matcher runs in the worker, from the task queue's rows.
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
        by_key = {
            key: Signature.objects.get(receipt_hash=hash_token(tokens[key])) for key in tokens
        }
        assert all(len(s.client_hash) == 64 for s in by_key.values())
        # The registry matcher ran when they arrived: the canaries matched.
        for key in CANARIES:
            assert by_key[key].official_id == self.officials[key].pk
        for key in ("a", "b", "c", "named", "turned", "gone"):
            self.verify(by_key[key], key)
        # The signers use their receipts: the tokens travel in request paths.
        for token in tokens.values():
            assert self.client.get(f"/r/{token}/?lang=en").status_code == 200
        self.client.post(f"/r/{tokens['turned']}/publication/", {"publication": "anonymous"})
        self.client.post(f"/r/{tokens['gone']}/withdraw/", {"confirm": "yes"})
        # Withdrawn, the named signer keeps nothing in clear at once, before any job runs.
        gone = Signature.objects.get(pk=by_key["gone"].pk)
        assert gone.state == Signature.WITHDRAWN and gone.is_sealed and gone.full_name == ""
        self.confirm_the_subscription()
        # The periodic jobs run as in production (counts, log, retention, ...).
        call_command("run_periodic", "--once", stdout=io.StringIO())
        retention.apply_retention()
        # A verifier downloads the bundles (written elsewhere, not on the server).
        assert export_contacts(self.letter) and export_sealed(self.letter)

        # No row ties a canary official, or the e-mail, to a signature.
        canary_officials = [o.pk for o in self.officials.values()]
        assert not Signature.objects.filter(official_id__in=canary_officials).exists()
        assert not Decision.objects.filter(official_id__in=canary_officials).exists()
        notes = " ".join(AuditEvent.objects.values_list("note", flat=True))
        assert not any(f"official {pk}" in notes for pk in canary_officials)
        assert not SubscriptionRequest.objects.exists()
        subscription = Subscription.objects.get()
        assert subscription.email == CANARY_EMAIL
        assert {f.name for f in Subscription._meta.concrete_fields} == {
            "id", "campaign", "channel", "email", "telegram_chat_id", "language", "created_on",
            "unsubscribe_hash",
        }  # fmt: skip
        assert not AuditEvent.objects.filter(action__startswith="subscription.").exists()
        for key in SEALED:
            sealed = Signature.objects.get(pk=by_key[key].pk)
            assert (
                sealed.is_sealed
                and sealed.full_name == ""
                and sealed.claims_key.startswith("sealed-")
            )
        # No row in any table that names a sealed signer keeps a time finer than the day,
        # and the task queue keeps no row that names one.
        exact = {key: finer_than_the_day(by_key[key].pk) for key in SEALED}
        assert exact == {key: [] for key in SEALED}

        secrets: dict[str, set[str]] = {}
        for key, name, _, _, contact, address in SIGNERS:
            secrets[f"address {address}"] = encodings(address)
            if contact:
                secrets[f"contact {contact}"] = encodings(contact)
            if key in SEALED:
                secrets[f"name of {key}"] = encodings(name)
        for key, (surname, council, source_id) in CANARIES.items():
            secrets[f"surname {key}"] = encodings(surname)
            secrets[f"council {key}"] = encodings(council)
            secrets[f"registry id {key}"] = encodings(source_id)
        secrets["updates e-mail"] = encodings(CANARY_EMAIL)
        for key, token in tokens.items():
            secrets[f"token of {key}"] = token_encodings(token)

        seized: list[tuple[str, bytes]] = [*dump_database((PUBLIC_REGISTRY, SUBSCRIBERS))]
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
        seized.append(("cache", dump_cache()))
        # The dump is real: it holds what the safety model says it may, a named signer and
        # the claims of a signature still waiting in the queue.
        database = b"".join(blob for where, blob in seized if where in ("sql dump", "pg_dump"))
        assert SIGNERS[3][1].encode() in database
        assert SIGNERS[4][1].encode() in database

        found = [
            f"{what} in {where}"
            for where, blob in seized
            for what, forms in secrets.items()
            if any(form.encode() in blob for form in forms)
        ]
        assert found == []

        # Nor on a public page.
        self.refresh_counts()
        hidden = [name for key, name, *_ in SIGNERS if key not in ("named",)]
        leaks = [
            f"{name} on {page.url}"
            for page in public_pages(self.client, [self.letter.slug, self.campaign.slug])
            for name in hidden
            if name in page.body
        ]
        assert leaks == []
