"""Pick a loopback port for a child process to listen on.

The usual trick (bind port 0, close, hand the number on) picks from the kernel's ephemeral
range, the same range every outgoing connection draws its local port from. Between closing
the probe and the child binding, a Kafka client's connection can take that very port, and
the child dies with "Address already in use" (seen in CI under load). So ports are picked at
random *below* the ephemeral range, where the kernel never assigns outgoing connections,
checked by binding, and never handed out twice by one process.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

_EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_FALLBACK_EPHEMERAL_LOW = 32768  # Linux's default when /proc is not there
_LOWEST = 10000  # stay clear of well-known and commonly configured service ports
_TRIES = 200
_handed_out: set[int] = set()


def _ephemeral_low() -> int:
    try:
        return int(_EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return _FALLBACK_EPHEMERAL_LOW


def _bindable(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """A port on ``host`` that is free now and outside the ephemeral range; falls back to
    the kernel's choice when that range leaves no room below it."""
    high = _ephemeral_low() - 1
    if high > _LOWEST:
        for _ in range(_TRIES):
            port = random.randint(_LOWEST, high)
            if port not in _handed_out and _bindable(host, port):
                _handed_out.add(port)
                return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])
