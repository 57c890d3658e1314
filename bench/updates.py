"""Sending an update: deliveries per second by e-mail (a real SMTP server) and by Telegram
(the fake Bot API server of the tests), through the real publish → fan-out → deliver path.

Migrates a fresh database, subscribes N e-mail addresses and N Telegram chats to one
campaign, publishes an update with tasks run in-process, and times it. Prints a table,
and the same figures as JSON (also written to bench/results/updates.json).

    python -m bench.updates [--subscribers 500]

SQLite in a temporary directory by default; BENCH_DATABASE_URL=postgres://... to use
PostgreSQL (a database of your own: it is migrated and filled).
"""

import argparse
import json
import os
import platform
import time

from bench.django_setup import ROOT, setup_django


def run(subscribers: int) -> dict[str, object]:
    from django.test import override_settings

    from harness.fake_telegram import TOKEN, FakeTelegram
    from harness.smtp import SMTPServer
    from undersigned.campaigns.actions import create_campaign, open_campaign
    from undersigned.updates.actions import publish_update, subscribe_email, subscribe_telegram
    from undersigned.updates.models import Delivery

    campaign = create_campaign(
        organizer=None,
        slug="bench-updates",
        texts=[{"language": "ru", "title": "Обращение", "body": "Текст."}],
    )
    campaign = open_campaign(campaign, actor=None)
    texts = [
        {"language": "ru", "title": "Новость", "body": "Обращение передано адресату. " * 20},
        {"language": "en", "title": "News", "body": "The appeal was delivered. " * 20},
    ]
    figures: dict[str, object] = {"subscribers_per_channel": subscribers}
    telegram = FakeTelegram().start()
    with SMTPServer() as smtp:
        for channel in ("email", "telegram"):
            campaign.subscriptions.all().delete()
            for n in range(subscribers):
                if channel == "email":
                    subscribe_email(campaign, f"reader{n}@example.org", "ru" if n % 2 else "en")
                else:
                    subscribe_telegram(campaign, 10_000 + n, "ru" if n % 2 else "en")
            with override_settings(
                **smtp.settings(), TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=telegram.url
            ):
                started = time.perf_counter()
                update = publish_update(campaign, author=None, texts=texts)
                elapsed = time.perf_counter() - started
            sent = Delivery.objects.filter(update=update, state=Delivery.SENT).count()
            figures[f"{channel}_sent"] = sent
            figures[f"{channel}_seconds"] = round(elapsed, 2)
            figures[f"{channel}_per_second"] = round(sent / elapsed, 1)
        figures["smtp_received"] = len(smtp.received)
    figures["telegram_received"] = len(telegram.sent_messages())
    telegram.stop()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=500)
    args = parser.parse_args()
    setup_django(
        "updates", migrate=True, TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend"
    )
    figures = run(args.subscribers)
    figures["database"] = os.environ["DATABASE_URL"].split(":", 1)[0]
    figures["python"] = platform.python_version()
    width = max(len(key) for key in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(figures))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "updates.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
