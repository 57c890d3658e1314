"""Build the demo scenario with invented people. Running it again changes nothing."""

import csv
import io
import random
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyrage
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_otp import user_has_device

from undersigned.campaigns import actions as campaign_actions
from undersigned.campaigns.models import Campaign, StaffRole
from undersigned.desk.enrolment import issue_enrolment_code
from undersigned.jobs.counts import run_count_job
from undersigned.ledger import paths
from undersigned.ledger.public import latest_checkpoint
from undersigned.officials import demo as demo_registry
from undersigned.officials.models import Official
from undersigned.officials.regions import regions_by_code
from undersigned.signatures import actions, counts
from undersigned.signatures.actions import Claims
from undersigned.signatures.imports import import_received_signatures
from undersigned.signatures.models import Signature, day_of
from undersigned.signatures.received import mark_duplicates, read_received
from undersigned.signatures.registry_match import match_received_signature
from undersigned.updates.actions import publish_update
from undersigned.vault.actions import add_verifier_key
from undersigned.vault.models import VerifierKey

DEMO_IDENTITY = "demo-verifier-key.txt"

# Invented people: common name parts combined at random; any likeness to a real person is chance.
SURNAMES = [
    ("Соколов", "Соколова"),
    ("Лебедев", "Лебедева"),
    ("Новиков", "Новикова"),
    ("Морозов", "Морозова"),
    ("Волков", "Волкова"),
    ("Зайцев", "Зайцева"),
    ("Павлов", "Павлова"),
    ("Семёнов", "Семёнова"),
    ("Голубев", "Голубева"),
    ("Виноградов", "Виноградова"),
    ("Богданов", "Богданова"),
    ("Воробьёв", "Воробьёва"),
    ("Фёдоров", "Фёдорова"),
    ("Михайлов", "Михайлова"),
    ("Беляев", "Беляева"),
    ("Тарасов", "Тарасова"),
    ("Белов", "Белова"),
    ("Комаров", "Комарова"),
    ("Орлов", "Орлова"),
    ("Киселёв", "Киселёва"),
    ("Макаров", "Макарова"),
    ("Андреев", "Андреева"),
    ("Ковалёв", "Ковалёва"),
    ("Ильин", "Ильина"),
    ("Гусев", "Гусева"),
    ("Титов", "Титова"),
    ("Кузьмин", "Кузьмина"),
    ("Кудрявцев", "Кудрявцева"),
    ("Баранов", "Баранова"),
    ("Куликов", "Куликова"),
]
MALE_NAMES = [
    "Алексей",
    "Андрей",
    "Борис",
    "Виктор",
    "Григорий",
    "Дмитрий",
    "Егор",
    "Илья",
    "Кирилл",
    "Максим",
    "Никита",
    "Олег",
    "Павел",
    "Роман",
    "Сергей",
    "Тимофей",
    "Фёдор",
    "Юрий",
]
FEMALE_NAMES = [
    "Анна",
    "Валерия",
    "Дарья",
    "Евгения",
    "Ирина",
    "Ксения",
    "Любовь",
    "Мария",
    "Наталья",
    "Ольга",
    "Полина",
    "Софья",
    "Татьяна",
    "Юлия",
    "Вера",
    "Елена",
]
PATRONYMIC_ROOTS = [
    "Александров",
    "Викторов",
    "Николаев",
    "Сергеев",
    "Павлов",
    "Андреев",
    "Михайлов",
    "Дмитриев",
    "Игорев",
    "Олегов",
    "Юрьев",
    "Петров",
]

# Councils: (municipality, council, region code)
COUNCILS = [
    ("МО Семёновский", "Муниципальный совет МО Семёновский", "RU-SPE"),
    ("МО Смольнинское", "Муниципальный совет МО Смольнинское", "RU-SPE"),
    ("МО Лиговка-Ямская", "Муниципальный совет МО Лиговка-Ямская", "RU-SPE"),
    ("МО Литейный округ", "Муниципальный совет МО Литейный округ", "RU-SPE"),
    ("Ломоносовский район", "Совет депутатов муниципального округа Ломоносовский", "RU-MOW"),
    ("Гагаринский район", "Совет депутатов муниципального округа Гагаринский", "RU-MOW"),
    ("Красносельский район", "Совет депутатов муниципального округа Красносельский", "RU-MOW"),
    ("Иркутск", "Дума города Иркутска", "RU-IRK"),
    ("Владивосток", "Дума города Владивостока", "RU-PRI"),
    ("Екатеринбург", "Екатеринбургская городская дума", "RU-SVE"),
    ("Новосибирск", "Совет депутатов города Новосибирска", "RU-NVS"),
    ("Казань", "Казанская городская дума", "RU-TA"),
    ("Пермь", "Пермская городская дума", "RU-PER"),
    ("Калининград", "Городской совет депутатов Калининграда", "RU-KGD"),
]

ORIGINAL_TITLE = "Обращение муниципальных депутатов об отставке президента"
ORIGINAL_BODY = """Мы, муниципальные депутаты, избранные жителями наших округов, считаем, что действия президента вредят будущему России и её граждан.

Мы требуем отставки президента.

Мы подписываем это обращение открыто или анонимно, каждый — как позволяет его безопасность. Каждая подпись проверяется по реестру депутатов, прежде чем она будет засчитана."""
ENGLISH_TITLE = "Municipal deputies' appeal for the president's resignation"
ENGLISH_BODY = """We, municipal deputies elected by the residents of our districts, believe that the president's actions harm the future of Russia and its citizens.

We demand the president's resignation.

We sign this appeal openly or anonymously, each as their safety allows. Every signature is checked against the registry of deputies before it is counted."""


def invented_person(rng: random.Random) -> str:
    male = rng.random() < 0.55
    surname = rng.choice(SURNAMES)[0 if male else 1]
    name = rng.choice(MALE_NAMES if male else FEMALE_NAMES)
    patronymic = rng.choice(PATRONYMIC_ROOTS) + ("ич" if male else "на")
    return f"{surname} {name} {patronymic}"


DEMO_DATA = Path(__file__).resolve().parents[2] / "data"
# The received claims, as the organizers collected them: Telegram messages pasted into a
# text file, one a line, and a spreadsheet of the e-mails.
RECEIVED_FILES = ("demo-received-telegram.txt", "demo-received-email.csv")
RECEIVED = 84


def demo_received(
    rng: random.Random, used: set[str], registry: list[Claims]
) -> list[tuple[str, list[str]]]:
    """The lines of the demo's received-claims files, and the registered signers among them.

    The shipped files hold exactly these lines (a test checks it); registered signers are
    added to `registry` as the registry lists them.
    """
    publications = [Signature.NAMED] * 5 + [Signature.ANONYMOUS] * 3 + [Signature.CONDITIONAL] * 2
    telegram: list[str] = []
    email = io.StringIO()
    writer = csv.writer(email, lineterminator="\n")
    writer.writerow(["full_name", "office", "body", "municipality", "region", "publication"])
    for index in range(RECEIVED):
        council = COUNCILS[index % len(COUNCILS)]
        publication = rng.choice(publications)
        claims = council_claims(rng, council, used)
        if publication == Signature.CONDITIONAL:
            rng.choice([50, 100])
        if demo_registry.registered(index):  # the others are provocateurs
            registry.append(claims)
        written = demo_registry.as_signed(claims, index)
        if index % 3 == 0:
            telegram.append(
                f"{written.full_name}, депутат {written.municipality}, {written.region}"
            )
        else:
            writer.writerow(
                [
                    written.full_name,
                    written.office,
                    written.body,
                    written.municipality,
                    written.region,
                    "named" if publication == Signature.NAMED else "anonymous",
                ]
            )
    return [
        (Signature.TELEGRAM, [line + "\n" for line in telegram]),
        (Signature.EMAIL, email.getvalue().splitlines(keepends=True)),
    ]


def council_claims(rng: random.Random, council: tuple[str, str, str], used: set[str]) -> Claims:
    municipality, body, code = council
    while True:
        name = invented_person(rng)
        if name not in used:
            used.add(name)
            break
    return Claims(
        full_name=name,
        office="депутат",
        body=body,
        municipality=municipality,
        region=regions_by_code()[code].name_ru,
        region_code=code,
    )


class Command(BaseCommand):
    help = "Load the demo campaigns with invented signatories (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--citizen-signatures",
            type=int,
            default=3000,
            help="signatures of the closed citizen petition (default 3000)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.citizen_signatures = options["citizen_signatures"]
        rng = random.Random(2022)  # noqa: S311 - reproducible invented data, not secrets
        users = self._staff()
        self._deputies_petition(rng, users)
        self._district_letter(rng, users)
        self._citizen_petition(rng, users)
        self._verifier_key()
        self._spokesperson_update(users)
        run_count_job()
        self.stdout.write(self.style.SUCCESS("Demo loaded."))
        self.stdout.write("Cite these numbers: each campaign's latest checkpoint, and its letter:")
        for campaign in Campaign.objects.filter(state__in=Campaign.PUBLIC_STATES).order_by("slug"):
            checkpoint = latest_checkpoint(campaign)
            if checkpoint is not None:
                page = f"{settings.SITE_URL}/{paths.cite_page(campaign.slug, checkpoint.size)}"
                self.stdout.write(f"  {page}  {page}letter.pdf")
        self.stdout.write(
            "Staff accounts (password 'demo-password' for each), with the one-time code that "
            "enrols each one's authenticator app at first sign-in:"
        )
        for username, user in users.items():
            if not user_has_device(user, confirmed=True):
                self.stdout.write(f"  {username}: {issue_enrolment_code(user)}")

    def _staff(self) -> dict[str, Any]:
        User = get_user_model()
        users = {}
        for username in ("organizer", "verifier", "spokesperson"):
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password("demo-password")
                user.save()
            users[username] = user
        return users

    def _grant_staff(self, campaign: Campaign, users: dict[str, Any]) -> None:
        for role in (StaffRole.VERIFIER, StaffRole.SPOKESPERSON):
            campaign_actions.grant_role(campaign, users[role], role, actor=users["organizer"])

    def _deputies_petition(self, rng: random.Random, users: dict[str, Any]) -> None:
        if Campaign.objects.filter(slug="deputies-appeal").exists():
            return
        organizer = users["organizer"]
        with transaction.atomic():
            campaign = campaign_actions.create_campaign(
                organizer=organizer,
                slug="deputies-appeal",
                kind=Campaign.KIND_PETITION,
                addressee="Президенту Российской Федерации",
                eligibility=Campaign.ELIGIBLE_OFFICIALS,
                requires_verification=True,
                reveal_thresholds=[50, 100, 500],
                texts=[
                    {
                        "language": "ru",
                        "title": ORIGINAL_TITLE,
                        "body": ORIGINAL_BODY,
                        "addressee": "Президенту Российской Федерации",
                    },
                    {
                        "language": "en",
                        "title": ENGLISH_TITLE,
                        "body": ENGLISH_BODY,
                        "addressee": "To the President of the Russian Federation",
                    },
                ],
            )
            self._grant_staff(campaign, users)
            used: set[str] = set()
            registry: list[Claims] = []
            opening = COUNCILS[:4] * 4 + COUNCILS[4:7]
            for council in opening[:19]:
                registry.append(council_claims(rng, council, used))
            opening_claims = list(registry)
            received = demo_received(rng, used, registry)
            colleagues = random.Random(19)  # noqa: S311 - reproducible invented data, not secrets
            run = demo_registry.load_registry(
                registry, COUNCILS, lambda council: council_claims(colleagues, council, used)
            )
            # The opening signatories are the registry's first rows: each is matched to its
            # official as the organizer picks it on the desk, so a repeat is recognised.
            officials = dict(Official.objects.filter(import_run=run).values_list("source_id", "id"))
            for number, claims in enumerate(opening_claims, start=1):
                actions.add_opening_signatory(
                    campaign, organizer, claims, official_id=officials.get(f"demo-{number:04}")
                )
            campaign = campaign_actions.open_campaign(campaign, actor=organizer)
            # The 84 claims that arrived as Telegram messages and e-mails, imported by the
            # organizer from the files they were collected in, as the desk would.
            imported = []
            for (channel, _lines), name in zip(received, RECEIVED_FILES, strict=True):
                path = DEMO_DATA / name
                read = mark_duplicates(read_received(path.read_bytes(), path.name), campaign)
                imported += import_received_signatures(
                    campaign, read, channel=channel, actor=organizer
                )
            ids = [item.signature_id for item in imported]
        # Matched now, as the task worker would (those it matched already are skipped).
        for pk in ids:
            match_received_signature(pk)
        matched = Signature.objects.filter(pk__in=ids, state=Signature.MATCHED).count()
        self.stdout.write(
            f"deputies-appeal: 19 opening signatories verified, {len(ids)} received "
            "(imported from Telegram messages and e-mails), "
            f"{matched} matched to the registry"
        )

    def _district_letter(self, rng: random.Random, users: dict[str, Any]) -> None:
        if Campaign.objects.filter(slug="district-letter").exists():
            return
        organizer = users["organizer"]
        with transaction.atomic():
            campaign = campaign_actions.create_campaign(
                organizer=organizer,
                slug="district-letter",
                kind=Campaign.KIND_OPEN_LETTER,
                addressee="Государственной Думе",
                eligibility=Campaign.ELIGIBLE_OFFICIALS,
                requires_verification=True,
                texts=[
                    {
                        "language": "ru",
                        "title": "Письмо депутатов районного совета в Государственную Думу",
                        "body": "Мы, депутаты районного совета, просим Государственную Думу дать правовую оценку "
                        "действиям высших должностных лиц.",
                        "addressee": "Государственной Думе",
                    },
                    {
                        "language": "en",
                        "title": "A district council's letter to the State Duma",
                        "body": "We, deputies of a district council, ask the State Duma to give a legal "
                        "assessment of the actions of the highest officials.",
                        "addressee": "To the State Duma",
                    },
                ],
            )
            self._grant_staff(campaign, users)
            used: set[str] = set()
            council = ("Смольнинское", "Муниципальный совет МО Смольнинское", "RU-SPE")
            for _ in range(7):
                actions.add_opening_signatory(
                    campaign, organizer, council_claims(rng, council, used)
                )
            campaign_actions.open_campaign(campaign, actor=organizer)
        self.stdout.write("district-letter: 7 signatories")

    def _citizen_petition(self, rng: random.Random, users: dict[str, Any]) -> None:
        if Campaign.objects.filter(slug="citizens-parks").exists():
            return
        organizer = users["organizer"]
        campaign = campaign_actions.create_campaign(
            organizer=organizer,
            slug="citizens-parks",
            kind=Campaign.KIND_PETITION,
            addressee="Городской администрации",
            eligibility=Campaign.ELIGIBLE_ANYONE,
            requires_verification=False,
            texts=[
                {
                    "language": "ru",
                    "title": "Сохраним городские парки",
                    "body": "Мы, жители города, просим не застраивать городские парки и скверы.",
                    "addressee": "Городской администрации",
                },
                {
                    "language": "en",
                    "title": "Save the city parks",
                    "body": "We, residents of the city, ask that the city's parks and squares not be built over.",
                    "addressee": "To the city administration",
                },
            ],
        )
        campaign = campaign_actions.open_campaign(campaign, actor=organizer)
        used: set[str] = set()
        start = timezone.now() - timedelta(days=30)
        ids = []
        for index in range(self.citizen_signatures):
            council = COUNCILS[index % len(COUNCILS)]
            claims = council_claims(rng, council, used)
            claims = Claims(
                full_name=claims.full_name, region=claims.region, region_code=claims.region_code
            )
            signature, _ = actions.sign(
                campaign, claims, publication=rng.choice([Signature.NAMED, Signature.ANONYMOUS])
            )
            ids.append(signature.pk)
        # Spread the demo's history over a month, as if it had been collected then.
        for index, pk in enumerate(ids):
            moment = start + timedelta(
                days=min(int(rng.expovariate(1 / 6)), 20), minutes=index % 1440
            )
            signature = Signature.objects.get(pk=pk)
            if signature.is_sealed:  # a sealed signer keeps only the day
                moment = day_of(moment)
            Signature.objects.filter(pk=pk).update(
                created_at=moment, state_changed_at=moment, verified_at=moment
            )
        campaign_actions.close_campaign(campaign, actor=organizer)
        counts.reconcile_counts(campaign)
        self.stdout.write(f"citizens-parks: {len(ids)} signatures, closed")

    def _verifier_key(self) -> None:
        """The demo verifier's age identity in var/, its public key on the deputies' appeal:
        the form then offers the encrypted contact, and `age -d` opens the export."""
        path = settings.VAR_DIR / DEMO_IDENTITY
        if path.exists():
            line = next(x for x in path.read_text().splitlines() if x.startswith("AGE-SECRET-KEY-"))
            identity = pyrage.x25519.Identity.from_str(line)
        else:
            identity = pyrage.x25519.Identity.generate()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(f"# public key: {identity.to_public()}\n{identity}\n")
        public = str(identity.to_public())
        campaign = Campaign.objects.get(slug="deputies-appeal")
        if not VerifierKey.objects.filter(campaign=campaign, public_key=public).exists():
            add_verifier_key(public, "Demo verifier", campaign=campaign)
        self.stdout.write(f"deputies-appeal: contacts are encrypted to the demo key in {path}")

    def _spokesperson_update(self, users: dict[str, Any]) -> None:
        campaign = Campaign.objects.get(slug="deputies-appeal")
        if campaign.updates.exists():
            return
        publish_update(
            campaign,
            author=users["spokesperson"],
            texts=[
                {
                    "language": "ru",
                    "title": "Получено ещё 84 подписи",
                    "body": "Получено ещё 84 подписи, сейчас будем их проверять.",
                },
                {
                    "language": "en",
                    "title": "Another 84 signatures received",
                    "body": "Another 84 signatures have been received, now we will check them.",
                },
            ],
        )
