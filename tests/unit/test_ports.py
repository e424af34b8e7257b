"""free_port keeps clear of the ports outgoing connections take (the CI clash it fixes)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from claimwatch import ports
from claimwatch.ports import free_port


def test_ports_come_from_below_the_ephemeral_range_and_are_never_repeated() -> None:
    low = ports._ephemeral_low()
    picked = [free_port() for _ in range(50)]
    assert len(set(picked)) == 50
    assert all(ports._LOWEST <= port < low for port in picked)
    with socket.socket() as sock:  # the port really is free to listen on
        sock.bind(("127.0.0.1", picked[-1]))
        sock.listen()


def test_a_port_in_use_is_skipped() -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        taken = held.getsockname()[1]
        assert not ports._bindable("127.0.0.1", taken)


def test_without_room_below_the_ephemeral_range_the_kernel_picks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole_range = tmp_path / "ip_local_port_range"
    whole_range.write_text("1024\t65535\n")
    monkeypatch.setattr(ports, "_EPHEMERAL_RANGE", whole_range)
    port = free_port()
    assert port >= 1024 and ports._bindable("127.0.0.1", port)
