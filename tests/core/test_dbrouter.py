from django.test import SimpleTestCase, override_settings

from undersigned.core.dbrouter import PublicReadRouter, public_reads
from undersigned.signatures.models import Signature

WITH_REPLICA = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
    "replica": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
}


class PublicReadRouterTest(SimpleTestCase):
    router = PublicReadRouter()

    @override_settings(DATABASES=WITH_REPLICA)
    def test_public_reads_go_to_the_replica(self) -> None:
        assert self.router.db_for_read(Signature) is None
        with public_reads():
            assert self.router.db_for_read(Signature) == "replica"
            assert self.router.db_for_write(Signature) == "default"
        assert self.router.db_for_read(Signature) is None

    def test_without_a_replica_everything_stays_on_default(self) -> None:
        with public_reads():
            assert self.router.db_for_read(Signature) is None

    def test_never_migrates_the_replica(self) -> None:
        assert self.router.allow_migrate("replica", "signatures") is False
        assert self.router.allow_migrate("default", "signatures") is True
