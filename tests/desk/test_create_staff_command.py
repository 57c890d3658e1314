import io
import re
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.desk.base import DeskTestCase
from undersigned.access import may_create_campaigns
from undersigned.desk.enrolment import enrolment_code_matches
from undersigned.desk.models import EnrolmentCode


class CreateStaffCommandTest(DeskTestCase):
    def run_command(self, *args: str, stdin: str = "") -> str:
        out = io.StringIO()
        with mock.patch("sys.stdin", io.StringIO(stdin)):
            call_command("create_staff", *args, stdout=out)
        return out.getvalue()

    def test_creates_an_account_that_enrols_on_first_sign_in(self) -> None:
        out = self.run_command(
            "nina",
            "--password-stdin",
            "--can-create-campaigns",
            stdin="a long and unusual passphrase\n",
        )
        assert "Created nina" in out
        nina = get_user_model().objects.get(username="nina")
        code = re.search(r"Enrolment code: (\S+)", out)
        assert code and enrolment_code_matches(nina, code.group(1))
        assert code.group(1) not in str(EnrolmentCode.objects.get(user=nina).__dict__)
        assert nina.check_password("a long and unusual passphrase")
        assert may_create_campaigns(nina)
        assert not TOTPDevice.objects.filter(user=nina).exists()

    def test_refuses_a_weak_password(self) -> None:
        with self.assertRaises(CommandError):
            self.run_command("nina", "--password-stdin", stdin="123\n")
        assert not get_user_model().objects.filter(username="nina").exists()

    def test_reset_second_factor_and_sign_out_everywhere(self) -> None:
        client = self.desk_client(self.verifier)
        assert Session.objects.count() == 1
        out = self.run_command("vera", "--reset-second-factor", "--sign-out-everywhere")
        assert "Ended 1 session(s)" in out
        code = re.search(r"Enrolment code: (\S+)", out)
        assert code and enrolment_code_matches(self.verifier, code.group(1))
        assert not TOTPDevice.objects.filter(user=self.verifier).exists()
        assert Session.objects.count() == 0
        assert client.get("/desk/")["Location"].startswith("/desk/login/")

    def test_maintenance_of_an_unknown_account_fails(self) -> None:
        with self.assertRaises(CommandError):
            self.run_command("nobody", "--reset-second-factor")
