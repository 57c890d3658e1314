"""One person cannot close the onion to others: through the real nginx (the onion listener
of deploy/nginx/undersigned.conf, reached as Tor reaches it, with a PROXY protocol line
naming the circuit) to the app on PostgreSQL and Redis, a flood of signatures from one
Tor circuit is refused past the onion's limit, and a visitor on another circuit signs."""

import json
import socket
from collections.abc import Iterator

import pytest

from harness.client import realistic_claims
from harness.nginx import ONION_NAME
from harness.stack import SLUG, Stack
from harness.tor import tor_proxy_line

pytestmark = pytest.mark.stack

LIMIT = 6  # RATE_ONION_LIMIT: attempts from one circuit in the window


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    running = Stack(
        settings={"ONION_HOST": ONION_NAME, "RATE_ONION_LIMIT": str(LIMIT)},
        unlimited=(),
    )
    try:
        running.start()
        running.seed(0)
        yield running
    finally:
        running.close()


def sign_through_the_onion(stack: Stack, circuit: int, n: int) -> int:
    """One signature posted to the API through the onion listener; the status."""
    assert stack.nginx_ports is not None
    body = json.dumps(realistic_claims(circuit, n)).encode()
    head = (
        f"POST /api/v1/campaigns/{SLUG}/signatures HTTP/1.1\r\nHost: {ONION_NAME}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", stack.nginx_ports.onion), timeout=30) as sock:
        sock.sendall(tor_proxy_line(circuit) + head + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1])


def test_a_flood_from_one_circuit_leaves_another_signing(stack: Stack) -> None:
    flood = [sign_through_the_onion(stack, 7, n) for n in range(LIMIT + 4)]
    assert flood[:LIMIT] == [201] * LIMIT
    assert flood[LIMIT:] == [429] * 4  # that circuit is refused
    assert sign_through_the_onion(stack, 8, 0) == 201  # another visitor signs
    assert sign_through_the_onion(stack, 0x10008, 0) == 201  # and another
    stored = stack.psql("SELECT count(*), count(DISTINCT client_hash) FROM signatures_signature")
    assert stored.split("|") == [str(LIMIT + 2), "3"]  # one keyed hash per circuit
