"""A checkpoint's citable page, its JSON and its note: the figures the log proves at that
checkpoint, for good, while the campaign's counts move on."""

import base64
import json
from html import unescape

from django.urls import reverse

from tests.base import PersonaTestCase, make_claims
from undersigned.ledger import cite, note, tally
from undersigned.ledger.models import Checkpoint, Cosignature, LogEntry, WitnessKey
from undersigned.ledger.public import verifier_key
from undersigned.signatures import actions as signature_actions
from undersigned.signatures.models import Signature


class CiteViewsTest(PersonaTestCase):
    def replay(self, size: int) -> tally.Tally:
        """The figures recomputed here from the entries, independently of the page."""
        result = tally.Tally()
        rows = LogEntry.objects.filter(campaign=self.campaign, index__lt=size).order_by("index")
        for index, data in rows.values_list("index", "data"):
            assert result.apply(index, json.loads(data)) is None
        return result

    def latest(self) -> Checkpoint:
        return Checkpoint.objects.filter(campaign=self.campaign).latest()

    def moving_counts(self) -> list[Checkpoint]:
        """Three checkpoints of a campaign whose counts move: arrivals, verifications,
        a withdrawal and a rejection."""
        first = [self.sign_verified(make_claims(n)) for n in range(3)]
        waiting = [self.sign(make_claims(10 + n))[0] for n in range(4)]
        self.sign(make_claims(20, region_code="RU-SPE"))
        self.refresh_counts()
        checkpoints = [self.latest()]
        signature_actions.verify_signature(waiting[0], actor=self.verifier)
        signature_actions.withdraw_signature(first[0])
        self.refresh_counts()
        checkpoints.append(self.latest())
        signature_actions.reject_signature(waiting[1], Signature.REJECT_OTHER, actor=self.verifier)
        signature_actions.withdraw_signature(waiting[2])
        self.refresh_counts()
        checkpoints.append(self.latest())
        return checkpoints

    def test_page_and_json_match_each_checkpoint_for_good(self) -> None:
        checkpoints = self.moving_counts()
        expected = [(3, 5), (3, 4), (3, 2)]
        assert [
            (c.body().figure("verified"), c.body().figure("checking")) for c in checkpoints
        ] == (expected)
        for checkpoint, (verified, checking) in zip(checkpoints, expected, strict=True):
            replayed = self.replay(checkpoint.size)
            assert (replayed.verified, replayed.checking) == (verified, checking)
            data = json.loads(
                self.client.get(reverse("cite_json", args=["deputies", checkpoint.size])).content
            )
            assert data["verified"] == verified and data["checking"] == checking
            assert data["size"] == checkpoint.size
            assert data["time"] == checkpoint.time
            assert base64.b64decode(data["root"]) == bytes(checkpoint.root)
            spb = next(row for row in data["regions"] if row["code"] == "RU-SPE")
            assert (spb["verified"], spb["checking"]) == (0, 1)
            line = cite.parse(data["citation"])
            assert (line.verified, line.checking, line.size, line.time) == (
                verified,
                checking,
                checkpoint.size,
                checkpoint.time,
            )
            assert line.origin == checkpoint.origin

            html = self.client.get(
                reverse("cite", args=["deputies", checkpoint.size]) + "?lang=en"
            ).content.decode()
            assert f"<strong>{verified}</strong> verified signature" in html
            assert f"<strong>{checking}</strong> being checked" in html
            assert data["root"] in html
            assert data["log_key_fingerprint"] in html
            assert f"As of {checkpoint.time[:10]} {checkpoint.time[11:16]} UTC" in html
            english = cite.Citation(
                checkpoint.time,
                verified,
                checking,
                checkpoint.size,
                checkpoint.origin,
                data["root"],
            ).line("en")
            assert english in unescape(html)
            assert "<script" not in html
            if checkpoint.size != checkpoints[-1].size:
                assert "A later checkpoint exists" in html

    def test_russian_page_quotes_in_russian(self) -> None:
        checkpoint = self.moving_counts()[0]
        html = self.client.get(
            reverse("cite", args=["deputies", checkpoint.size]) + "?lang=ru"
        ).content.decode()
        assert "По состоянию на" in html
        assert "проверенных подписантов — 3, на проверке — 5" in html
        assert "Санкт-Петербург" in html

    def test_note_of_each_size_is_kept_and_verifies(self) -> None:
        checkpoints = self.moving_counts()
        key = note.VerifierKey.parse(verifier_key(self.campaign))
        for checkpoint in checkpoints:
            response = self.client.get(
                reverse("log_checkpoint_at", args=["deputies", checkpoint.size])
            )
            assert response.status_code == 200
            parsed, _ = note.open_checkpoint(response.content.decode(), key)
            assert parsed.size == checkpoint.size
            assert parsed.extension("time") == checkpoint.time

    def test_witness_cosignature_times_are_shown(self) -> None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        from undersigned.ledger import actions

        private = Ed25519PrivateKey.generate()
        key = note.VerifierKey.for_private_key("witness.example", private, note.ALG_COSIGNATURE_V1)
        actions.add_witness(self.campaign, key.text(), actor=self.organizer)
        checkpoint = self.moving_counts()[0]
        text = note.parse_note(checkpoint.note).text
        actions.add_cosignature(
            self.campaign,
            checkpoint.size,
            note.cosign(text, "witness.example", private, 1662998400).text(),
        )
        assert Cosignature.objects.count() == 1 and WitnessKey.objects.count() == 1
        data = json.loads(
            self.client.get(reverse("cite_json", args=["deputies", checkpoint.size])).content
        )
        assert data["cosignatures"] == [
            {"witness": "witness.example", "time": "2022-09-12T16:00:00Z"}
        ]
        html = self.client.get(reverse("cite", args=["deputies", checkpoint.size])).content
        assert b"2022-09-12T16:00:00Z" in html

    def test_campaign_page_links_the_latest_and_says_an_absolute_time(self) -> None:
        self.moving_counts()
        html = self.client.get(reverse("campaign", args=["deputies"]) + "?lang=en").content
        page = html.decode()
        assert "Cite these numbers" in page
        assert reverse("cite", args=["deputies", self.latest().size]) in page
        assert "Counted at 20" in page and " ago" not in page

    def test_unknown_checkpoint_and_unpublished_campaign_are_not_found(self) -> None:
        self.moving_counts()
        assert self.client.get(reverse("cite", args=["deputies", 9999])).status_code == 404
        assert self.client.get(reverse("cite_json", args=["deputies", 1])).status_code == 404
        draft = self.make_campaign("draft", open_it=False)
        self.client.force_login(self.outsider)
        for name in ("cite", "cite_json", "log_checkpoint_at"):
            assert self.client.get(reverse(name, args=[draft.slug, 1])).status_code == 404
