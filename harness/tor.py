"""What the Tor daemon does in front of the onion service's nginx listener, for a browser
or a test on this machine: the PROXY protocol line of one circuit, then the connection."""

import socket
import threading


def tor_proxy_line(circuit: int) -> bytes:
    """The PROXY protocol line Tor sends first on each connection to an onion service with
    `HiddenServiceExportCircuitID haproxy`: the circuit's id in the source address (and its
    low 16 bits as the source port), the onion's virtual port as the destination port."""
    return (
        f"PROXY TCP6 fc00:dead:beef:4dad::{circuit >> 16:x}:{circuit & 0xFFFF:x} ::1 "
        f"{circuit & 0xFFFF} 80\r\n"
    ).encode()


class TorStandIn:
    """Each connection to `port` is passed to nginx's onion listener after the PROXY line of
    one circuit, `circuit`, as for one Tor Browser visitor."""

    def __init__(self, onion_port: int, circuit: int = 1) -> None:
        self.onion_port = onion_port
        self.circuit = circuit
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.server.getsockname()[1])
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        with client, socket.create_connection(("127.0.0.1", self.onion_port)) as upstream:
            upstream.sendall(tor_proxy_line(self.circuit))
            pipes = [
                threading.Thread(target=_pipe, args=(client, upstream), daemon=True),
                threading.Thread(target=_pipe, args=(upstream, client), daemon=True),
            ]
            for pipe in pipes:
                pipe.start()
            for pipe in pipes:
                pipe.join()

    def close(self) -> None:
        self.server.close()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
        sink.shutdown(socket.SHUT_WR)
    except OSError:
        pass
