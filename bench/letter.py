"""The letter as delivered at scale: how long the task worker takes to write the PDF of a
campaign with 10,000 named verified signatories.

Signs the signatories through the real signing path (a campaign that does not require
verification stores each signature verified at once), runs the count job and appends
the log, then times what the worker runs (`undersigned.ledger.letter.write_letter`) and
reads the PDF back with pypdf to check its pages name the last signatory. Prints a
table, and the same figures as JSON (also written to bench/results/letter.json).

    python -m bench.letter [--signatories 10000]

SQLite in a temporary directory by default; BENCH_DATABASE_URL=postgres://... to use
PostgreSQL (a database of your own: it is migrated and filled).
"""

import argparse
import json
import os
import platform
import time

from bench.scratch import ROOT, setup_django

REGIONS = ["RU-MOW", "RU-SPE", "RU-IRK", "RU-PRI", "RU-NVS", "RU-SVE", "RU-TA"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signatories", type=int, default=10_000)
    args = parser.parse_args()
    setup_django("letter", migrate=True, EXPORT_IN_BACKGROUND="0")

    import pypdf
    from django.contrib.auth import get_user_model

    from undersigned.campaigns import actions as campaign_actions
    from undersigned.jobs.counts import run_count_job
    from undersigned.ledger import letter
    from undersigned.ledger.models import Checkpoint
    from undersigned.signatures import actions
    from undersigned.signatures.actions import Claims

    organizer = get_user_model().objects.create_user("bench-organizer")
    campaign = campaign_actions.create_campaign(
        organizer=organizer,
        slug="bench-letter",
        texts=[
            {"language": "ru", "title": "Обращение депутатов", "body": "Мы требуем. " * 60},
            {"language": "en", "title": "Deputies' appeal", "body": "We demand. " * 60},
        ],
        requires_verification=False,
        addressee="Президенту Российской Федерации",
    )
    campaign = campaign_actions.open_campaign(campaign, actor=organizer)
    started = time.perf_counter()
    for n in range(args.signatories):
        actions.sign(
            campaign,
            Claims(
                full_name=f"Депутатова{n} Анна Сергеевна",
                office="депутат муниципального совета",
                body=f"Муниципальный совет округа № {n % 300}",
                municipality=f"Округ {n % 300}",
                region="",
                region_code=REGIONS[n % len(REGIONS)],
            ),
        )
    run_count_job()
    setup_seconds = time.perf_counter() - started
    checkpoint = Checkpoint.objects.filter(campaign=campaign).latest()

    started = time.perf_counter()
    path = letter.write_letter(campaign, checkpoint, letter.names_fingerprint(campaign))
    build_seconds = time.perf_counter() - started

    pdf = pypdf.PdfReader(path)
    last_page = pdf.pages[-2].extract_text()  # the last page before the annex
    assert f"Депутатова{args.signatories - 1} Анна Сергеевна" in last_page

    figures = {
        "named_signatories": args.signatories,
        "checkpoint_size": checkpoint.size,
        "build_seconds": round(build_seconds, 2),
        "pages": len(pdf.pages),
        "megabytes": round(path.stat().st_size / 1e6, 2),
        "setup_seconds": round(setup_seconds, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
        "python": platform.python_version(),
    }
    rows = [
        ("named verified signatories", f"{args.signatories:,}"),
        ("writing the PDF (what the task worker runs)", f"{build_seconds:.2f} s"),
        ("pages", str(figures["pages"])),
        ("file size", f"{figures['megabytes']} MB"),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "letter.json").write_text(json.dumps(figures, indent=1) + "\n")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
