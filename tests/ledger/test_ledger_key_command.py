"""`ledger_key`: the verifier key of each public campaign's log, or a new signing seed."""

import base64
import io

from django.core.management import call_command

from tests.base import PersonaTestCase
from undersigned.ledger import note


class LedgerKeyCommandTest(PersonaTestCase):
    def run_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command("ledger_key", *args, stdout=out)
        return out.getvalue()

    def test_prints_public_campaigns_keys(self) -> None:
        self.make_campaign("draft-one", open_it=False)
        lines = self.run_command().splitlines()
        assert [line.split()[0] for line in lines] == ["deputies"]
        key = note.VerifierKey.parse(lines[0].split()[1])
        assert key.name.endswith("/c/deputies")
        assert self.client.get("/c/deputies/log/key").content.decode().strip() == key.text()

    def test_new_seed(self) -> None:
        seeds = {self.run_command("--new").strip() for _ in range(2)}
        assert len(seeds) == 2
        assert all(len(base64.b64decode(seed)) == 32 for seed in seeds)
