import threading
from collections.abc import Callable

from undersigned.core.kept import Kept


class Reads:
    """A read that counts its calls and can be held until released."""

    def __init__(self) -> None:
        self.calls = 0
        self.value = "first"
        self.started = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def __call__(self) -> str:
        self.calls += 1
        value = self.value
        self.started.set()
        assert self.release.wait(5)
        return value


def in_thread(call: Callable[[], str]) -> tuple[threading.Thread, list[str]]:
    got: list[str] = []
    thread = threading.Thread(target=lambda: got.append(call()))
    thread.start()
    return thread, got


def test_a_value_is_read_once_while_it_is_fresh() -> None:
    reads = Reads()
    kept: Kept[str, str] = Kept(lambda: 60)
    assert kept.get("a", reads) == "first"
    reads.value = "second"
    assert kept.get("a", reads) == "first"
    assert reads.calls == 1


def test_a_value_whose_time_is_over_is_read_again() -> None:
    reads = Reads()
    kept: Kept[str, str] = Kept(lambda: 0)
    kept.get("a", reads)
    reads.value = "second"
    assert kept.get("a", reads) == "second"
    assert reads.calls == 2


def test_while_one_thread_reads_again_the_others_keep_the_copy() -> None:
    reads = Reads()
    seconds = [60.0]
    kept: Kept[str, str] = Kept(lambda: seconds[0])
    kept.get("a", reads)
    seconds[0] = 0
    reads.value, reads.started, reads.release = "second", threading.Event(), threading.Event()
    reader, got = in_thread(lambda: kept.get("a", reads))
    assert reads.started.wait(5)
    # The read is under way: another thread neither waits for it nor reads too.
    assert kept.get("a", reads) == "first"
    assert reads.calls == 2
    reads.release.set()
    reader.join(5)
    assert got == ["second"]
    seconds[0] = 60
    assert kept.get("a", reads) == "second"


def test_a_thread_without_any_copy_reads_for_itself() -> None:
    reads = Reads()
    kept: Kept[str, str] = Kept(lambda: 60)
    reads.release = threading.Event()
    reader, got = in_thread(lambda: kept.get("a", reads))
    assert reads.started.wait(5)
    reads.release.set()
    assert kept.get("a", reads) == "first"
    reader.join(5)
    assert got == ["first"] and reads.calls == 2


def test_a_read_begun_before_clear_is_not_kept() -> None:
    reads = Reads()
    kept: Kept[str, str] = Kept(lambda: 60)
    reads.release = threading.Event()
    reader, got = in_thread(lambda: kept.get("a", reads))
    assert reads.started.wait(5)
    kept.clear()  # the row changed in this process while it was being read
    reads.release.set()
    reader.join(5)
    assert got == ["first"]
    reads.value = "changed"
    assert kept.get("a", reads) == "changed"


def test_past_the_limit_every_value_is_forgotten() -> None:
    reads = Reads()
    kept: Kept[int, str] = Kept(lambda: 60, limit=2)
    kept.get(1, reads)
    kept.get(2, reads)
    kept.get(3, reads)  # the third key makes room by forgetting the others
    reads.value = "second"
    assert kept.get(1, reads) == "second"
    assert kept.get(3, reads) == "first"
