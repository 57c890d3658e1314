from django.test import SimpleTestCase

from undersigned.verification.throttle import Throttle, minutes


class ThrottleTest(SimpleTestCase):
    def setUp(self) -> None:
        self.throttle = Throttle("test-scope", limit=3, window_seconds=600)
        self.throttle.reset("someone")
        self.throttle.reset("other")

    def test_blocks_after_the_limit_and_says_how_long(self) -> None:
        for _ in range(2):
            self.throttle.fail("someone")
        assert self.throttle.wait_seconds("someone") == 0
        self.throttle.fail("someone")
        wait = self.throttle.wait_seconds("someone")
        assert 0 < wait <= 600
        assert minutes(wait) == 10
        assert self.throttle.wait_seconds("other") == 0

    def test_reset_lifts_the_block(self) -> None:
        for _ in range(3):
            self.throttle.fail("someone")
        self.throttle.reset("someone")
        assert self.throttle.wait_seconds("someone") == 0

    def test_an_empty_identity_is_never_counted(self) -> None:
        for _ in range(5):
            self.throttle.fail("")
        assert self.throttle.wait_seconds("") == 0

    def test_minutes_round_up(self) -> None:
        assert minutes(1) == 1
        assert minutes(61) == 2
