"""The test and bench harness: real servers started on this machine for the tests and the
benchmarks, both of which import it.

- `stack`: the production stack (PostgreSQL, Redis, granian, the worker, the periodic jobs,
  nginx), each on ports and in directories of its own;
- `nginx`: nginx's configuration as deployed, with local paths and ports;
- `net`: free ports, waiting for a server to answer;
- `smtp`: a real SMTP server (aiosmtpd) that keeps what it receives;
- `tor`: Tor's PROXY-protocol line in front of the onion listener;
- `fake_telegram`: a Bot API server of its own, with Telegram's limits and faults on demand;
- `client`: the load client (`python -m harness.client`) and realistic claims.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
