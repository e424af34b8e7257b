"""An httpx transport that connects only to the address the SSRF guard checked.

The request URL keeps the hostname, so the Host header and TLS SNI/certificate checks use the
name; only the TCP connect is pinned to the checked IP. Any other host (nothing should ask) is
refused rather than resolved, so no path exists from here to an unchecked address.
"""

from __future__ import annotations

import ssl
import typing
from collections.abc import Iterable

import httpcore
import httpx

from claimwatch_deliver.ssrf import CheckedTarget

ConnectHook = typing.Callable[[str, int], None]


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Maps (host, port) to the checked address; ``on_connect`` sees every real connect."""

    def __init__(self, target: CheckedTarget, on_connect: ConnectHook | None = None) -> None:
        self._target = target
        self._on_connect = on_connect
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if host.rstrip(".").lower() != self._target.host.lower() or port != self._target.port:
            raise httpcore.ConnectError(f"connection to an unchecked host refused ({host}:{port})")
        if self._on_connect is not None:
            self._on_connect(self._target.address, port)
        return await self._inner.connect_tcp(
            self._target.address,
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: typing.Any = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not webhook targets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


_ERRORS: tuple[tuple[type[Exception], type[httpx.RequestError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.TimeoutException, httpx.TimeoutException),
)


MAX_RESPONSE_BYTES = 64 * 1024


async def _read_capped(stream: typing.AsyncIterable[bytes]) -> bytes:
    """Read at most ``MAX_RESPONSE_BYTES``: a target cannot make us buffer a huge body."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in stream:
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_RESPONSE_BYTES:
            break
    return b"".join(chunks)[:MAX_RESPONSE_BYTES]


class PinnedTransport(httpx.AsyncBaseTransport):
    """One connection pool whose only way out is the checked address."""

    def __init__(
        self,
        target: CheckedTarget,
        ssl_context: ssl.SSLContext | None = None,
        on_connect: ConnectHook | None = None,
    ) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(),
            max_connections=1,
            network_backend=PinnedBackend(target, on_connect),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        req = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            resp = await self._pool.handle_async_request(req)
            try:
                content = await _read_capped(resp.stream)  # type: ignore[arg-type]
            finally:
                await resp.aclose()
        except Exception as exc:
            for core_exc, httpx_exc in _ERRORS:
                if isinstance(exc, core_exc):
                    raise httpx_exc(str(exc), request=request) from exc
            raise
        return httpx.Response(status_code=resp.status, headers=resp.headers, content=content)

    async def aclose(self) -> None:
        await self._pool.aclose()
