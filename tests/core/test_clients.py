from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.http import HttpRequest
from django.test import RequestFactory, SimpleTestCase, override_settings

from undersigned.core import clients

DAY = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


class ClientHashTest(SimpleTestCase):
    def setUp(self) -> None:
        self.factory = RequestFactory()
        cache.delete_many(
            [f"client-salt:{(DAY + timedelta(days=d)).date().isoformat()}" for d in (0, 1)]
        )
        clients._salt_read = ("", "", 0.0)

    def test_hash_is_keyed_stable_within_a_day_and_changes_the_next(self) -> None:
        today = clients.hash_address("203.0.113.7", DAY)
        assert len(today) == 64 and "203.0.113.7" not in today
        assert clients.hash_address("203.0.113.7", DAY + timedelta(hours=3)) == today
        assert clients.hash_address("203.0.113.8", DAY) != today
        assert clients.hash_address("203.0.113.7", DAY + timedelta(days=1)) != today

    def test_the_days_salt_lives_only_in_the_cache_and_a_lost_salt_unlinks_the_hashes(self) -> None:
        today = clients.hash_address("203.0.113.7", DAY)
        cache.delete(f"client-salt:{DAY.date().isoformat()}")
        # A process keeps the salt it read for a minute, then reads the shared one again.
        assert clients.hash_address("203.0.113.7", DAY) == today
        key, salt, read_at = clients._salt_read
        clients._salt_read = (key, salt, read_at - clients.SALT_REREAD_SECONDS)
        assert clients.hash_address("203.0.113.7", DAY) != today

    def test_ipv6_is_hashed_by_its_64_network(self) -> None:
        a = clients.hash_address("2001:db8:1:2::1", DAY)
        assert clients.hash_address("2001:db8:1:2:ffff::9", DAY) == a
        assert clients.hash_address("2001:db8:1:3::1", DAY) != a

    def test_proxy_header_trusted_only_when_configured(self) -> None:
        request = self.factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="198.51.100.4")
        assert clients.client_address(request) == "10.0.0.1"
        with override_settings(TRUSTED_PROXY_HEADER="X-Real-IP"):
            assert clients.client_address(request) == "198.51.100.4"
        forwarded = self.factory.get(
            "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4"
        )
        with override_settings(TRUSTED_PROXY_HEADER="X-Forwarded-For"):
            assert clients.client_address(forwarded) == "198.51.100.4"

    @override_settings(
        ONION_HOST="abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion",
        TRUSTED_PROXY_HEADER="X-Real-IP",
    )
    def test_onion_visitors_are_told_apart_by_circuit(self) -> None:
        def through_onion(circuit: str) -> HttpRequest:
            return self.factory.get(
                "/", REMOTE_ADDR="127.0.0.1", HTTP_X_ONION_SERVICE="1", HTTP_X_REAL_IP=circuit
            )

        # Every circuit's address lies in one /64: each is a client of its own all the same.
        first, again, other = (
            through_onion("fc00:dead:beef:4dad::0:7"),
            through_onion("fc00:dead:beef:4dad::0:7"),
            through_onion("fc00:dead:beef:4dad::1:7"),
        )
        assert clients.is_onion_request(first)
        assert clients.client_hash(first) == clients.client_hash(again)
        assert clients.client_hash(first) != clients.client_hash(other)
        assert len(clients.client_hash(first)) == 64
        # Without a circuit (a proxy that passes none), onion visitors share one bucket.
        nameless = [
            self.factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_ONION_SERVICE="1")
            for _ in range(2)
        ]
        assert clients.client_hash(nameless[0]) == clients.client_hash(nameless[1])
        clear = self.factory.get(
            "/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="fc00:dead:beef:4dad::0:7"
        )
        assert not clients.is_onion_request(clear)
        assert clients.client_hash(clear) != clients.client_hash(first)

    def test_a_proxy_header_without_trusted_proxy_header_is_warned_about_once(self) -> None:
        clients._warned_about_proxy = False
        request = self.factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.4")
        with self.assertLogs("undersigned.core.clients", "WARNING") as logs:
            clients.client_address(request)
            clients.client_address(request)
        assert len(logs.records) == 1
        assert "TRUSTED_PROXY_HEADER" in logs.output[0]
        assert "198.51.100.4" not in logs.output[0]
