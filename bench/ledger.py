"""The public log at scale: appends per second and proof generation time at 1,000,000 entries.

Builds a campaign's log through the real append path (journaled events appended in
batches, tree nodes stored, a checkpoint signed after each batch) on a fresh database,
then times inclusion and consistency proofs read from the stored tree, and checks a
sample of them against the signed root. Prints a table, and the same figures as JSON
(also written to bench/results/ledger.json).

    python -m bench.ledger [--entries 1000000] [--batch 10000] [--proofs 2000]

SQLite in a temporary directory by default; BENCH_DATABASE_URL=postgres://... to use
PostgreSQL (a database of your own: it is migrated and filled).
"""

import argparse
import json
import os
import platform
import random
import secrets
import statistics
import time

from bench.django_setup import ROOT, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--proofs", type=int, default=2000)
    args = parser.parse_args()
    setup_django("ledger")

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from undersigned.campaigns import actions as campaign_actions
    from undersigned.ledger import actions, merkle, note
    from undersigned.ledger.models import Checkpoint
    from undersigned.ledger.public import verifier_key
    from undersigned.signatures.models import PendingLogEvent

    call_command("migrate", verbosity=0)
    organizer = get_user_model().objects.create_user("bench-organizer")
    campaign = campaign_actions.create_campaign(
        organizer=organizer,
        slug="bench-log",
        texts=[{"language": "ru", "title": "Журнал", "body": "Проверка журнала."}],
    )
    campaign = campaign_actions.open_campaign(campaign, actor=organizer)

    rng = random.Random(5)
    regions = ["RU-MOW", "RU-SPE", "RU-IRK", "RU-PRI", "RU-NVS", "RU-SVE", "RU-TA"]
    appended = 0
    append_seconds = 0.0
    while appended < args.entries:
        n = min(args.batch, args.entries - appended)
        # What signing writes: one journal row per verification (set up, not timed).
        PendingLogEvent.objects.bulk_create(
            [
                PendingLogEvent(
                    campaign=campaign,
                    event="verified",
                    handle=secrets.token_hex(16),
                    region_code=rng.choice(regions),
                )
                for _ in range(n)
            ],
            batch_size=2000,
        )
        started = time.perf_counter()
        sizes = actions.append_pending(batch_size=args.batch)
        append_seconds += time.perf_counter() - started
        appended = sizes[campaign.pk]

    size = appended
    tree = actions.StoredTree(campaign.pk)
    checkpoint = Checkpoint.objects.get(campaign=campaign, size=size)
    key = note.VerifierKey.parse(verifier_key(campaign))
    signed, _ = note.open_checkpoint(checkpoint.published_note(), key)

    started = time.perf_counter()
    root = tree.root(size)
    root_ms = (time.perf_counter() - started) * 1000
    assert root == signed.root

    inclusion_ms, consistency_ms = [], []
    for sample in range(args.proofs):
        index = rng.randrange(size)
        started = time.perf_counter()
        proof = tree.inclusion(index, size)
        inclusion_ms.append((time.perf_counter() - started) * 1000)
        if sample < 50:
            merkle.verify_inclusion(tree.node(0, index), index, size, proof, root)
        first = rng.randrange(1, size)
        started = time.perf_counter()
        proof = tree.consistency(first, size)
        consistency_ms.append((time.perf_counter() - started) * 1000)
        if sample < 50:
            merkle.verify_consistency(first, size, tree.root(first), root, proof)

    def p(values: list[float], q: float) -> float:
        return sorted(values)[min(len(values) - 1, int(q * len(values)))]

    figures = {
        "entries": size,
        "batch": args.batch,
        "database": connection.vendor,
        "append_seconds": round(append_seconds, 2),
        "appends_per_second": round(size / append_seconds),
        "checkpoints_signed": Checkpoint.objects.filter(campaign=campaign).count(),
        "root_ms": round(root_ms, 3),
        "inclusion_proof_ms_median": round(statistics.median(inclusion_ms), 3),
        "inclusion_proof_ms_p99": round(p(inclusion_ms, 0.99), 3),
        "consistency_proof_ms_median": round(statistics.median(consistency_ms), 3),
        "consistency_proof_ms_p99": round(p(consistency_ms, 0.99), 3),
        "proofs_timed": args.proofs,
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
        "python": platform.python_version(),
    }
    rows = [
        ("entries in the log", f"{size:,}"),
        ("database", connection.vendor),
        (
            f"appends per second (batches of {args.batch}, checkpoint each)",
            f"{figures['appends_per_second']:,}",
        ),
        ("root hash from stored nodes", f"{root_ms:.2f} ms"),
        (
            "inclusion proof, median / p99",
            f"{figures['inclusion_proof_ms_median']} / {figures['inclusion_proof_ms_p99']} ms",
        ),
        (
            "consistency proof, median / p99",
            f"{figures['consistency_proof_ms_median']} / {figures['consistency_proof_ms_p99']} ms",
        ),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "ledger.json").write_text(json.dumps(figures, indent=1) + "\n")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
