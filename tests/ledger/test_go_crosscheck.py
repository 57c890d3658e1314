"""The log checked by an implementation nobody here wrote: Go's golang.org/x/mod/sumdb/note
and sumdb/tlog (Debian's golang-go and golang-golang-x-mod-dev, built offline in GOPATH
mode) read a static mirror's checkpoint, with its time line, and entries."""

import base64
import io
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.base import PersonaTestCase, make_claims
from undersigned.ledger.models import Checkpoint
from undersigned.signatures import actions as signature_actions

PROGRAM = Path(__file__).parent / "gocheck" / "main.go"
GOPATH = Path("/usr/share/gocode")


def build(workdir: Path) -> Path:
    source = workdir / "src" / "gocheck"
    source.mkdir(parents=True)
    shutil.copy(PROGRAM, source / "main.go")
    env = dict(
        os.environ,
        GOPATH=f"{workdir}:{GOPATH}",
        GO111MODULE="off",
        GOFLAGS="",
        GOPROXY="off",
        GOCACHE=str(workdir / "cache"),
    )
    binary = workdir / "gocheck"
    go = shutil.which("go") or "/usr/lib/go/bin/go"
    subprocess.run(
        [go, "build", "-o", str(binary), "."], cwd=source, env=env, check=True, timeout=600
    )
    return binary


@pytest.mark.tools
class GoCrossCheckTest(PersonaTestCase):
    def test_go_reads_the_timed_checkpoint_and_rejects_a_tampered_mirror(self) -> None:
        assert (GOPATH / "src/golang.org/x/mod/sumdb/tlog").is_dir(), "golang-golang-x-mod-dev"
        workdir = Path(tempfile.mkdtemp())
        binary = build(workdir)
        signatures = [self.sign_verified(make_claims(n)) for n in range(4)]
        self.sign(make_claims(10))
        signature_actions.withdraw_signature(signatures[0])
        self.refresh_counts()
        mirror = workdir / "mirror"
        call_command("export_site", str(mirror), stdout=io.StringIO())
        checkpoint = Checkpoint.objects.filter(campaign=self.campaign).latest()
        assert checkpoint.time is not None

        result = subprocess.run(
            [str(binary), str(mirror), "deputies"], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stdout + result.stderr
        root = checkpoint.body().root
        assert result.stdout.strip() == (
            f"OK {checkpoint.origin} size {checkpoint.size} time {checkpoint.time} "
            f"root {base64.b64encode(root).decode()}"
        )

        page = mirror / "c/deputies/log/entries/0.json"
        data = json.loads(page.read_text())
        data["entries"][1] = data["entries"][1].replace('"verified"', '"withdrawn"')
        page.write_text(json.dumps(data))
        result = subprocess.run(
            [str(binary), str(mirror), "deputies"], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 1
        assert "FAIL the entries do not hash to the signed root" in result.stdout
