"""The web pages over HTTP (FastAPI's test client, a real SQLite read model): escaping of
untrusted text, links only to http(s), the token gate and session login, 404s."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from web_records import STORY, article, full_story, placed

from claimwatch.settings import Settings
from claimwatch_web.app import create_app, http_url
from claimwatch_web.auth import COOKIE, Gate, OpenBeyondLoopback, check_exposure, safe_next
from claimwatch_web.database import make_engine, migrate
from claimwatch_web.live import ChangeHub
from claimwatch_web.store import ReadModelWriter

HOSTILE = 'Officials said <script>alert("x")</script> 9 people were missing.'


def _client(tmp_path: Path, token: str | None = None) -> TestClient:
    engine = make_engine(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    migrate(engine)
    writer = ReadModelWriter(engine)
    writer.apply(full_story(), {})  # type: ignore[arg-type]
    hostile = article(
        "h1",
        4,
        source="x-outlet",
        title="<img src=x onerror=alert(1)>",
        url="javascript:alert(1)",
        text=HOSTILE,
        original_text=HOSTILE,
    )
    writer.apply([hostile, placed("h1")], {})
    return TestClient(create_app(engine, ChangeHub(), Gate(token)))


def test_untrusted_text_is_escaped_everywhere(tmp_path: Path) -> None:
    client = _client(tmp_path)
    for path in ("/articles/h1", f"/stories/{STORY}", "/"):
        response = client.get(path)
        assert response.status_code == 200
        body = response.text
        assert "<script>alert" not in body and "<img src=x" not in body
        if path != "/":  # the list shows the story's first headline, not this one
            assert "&lt;img src=x onerror=alert(1)&gt;" in body
        assert "javascript:" not in body
        assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in client.get("/articles/h1").text


def test_only_http_urls_become_links() -> None:
    assert http_url("https://a.example/x") == "https://a.example/x"
    assert http_url(" JavaScript:alert(1)") is None
    assert http_url("data:text/html,hi") is None
    assert http_url(None) is None


def test_unknown_pages_say_so(tmp_path: Path) -> None:
    client = _client(tmp_path)
    assert client.get("/stories/st-nothing").status_code == 404
    assert client.get("/articles/nothing").status_code == 404
    assert client.get("/?kind=" + "x" * 40).status_code == 422


def test_a_token_guards_pages_and_a_login_gives_a_session(tmp_path: Path) -> None:
    client = _client(tmp_path, token="s3cret-token")
    page = client.get("/", headers={"accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/"
    api = client.get(f"/stories/{STORY}", headers={"accept": "application/json"})
    assert api.status_code == 401 and api.headers["www-authenticate"] == "Bearer"
    bearer = client.get("/", headers={"authorization": "Bearer s3cret-token"})
    assert bearer.status_code == 200
    assert client.get("/healthz").status_code == 200  # probes stay open
    assert "claimwatch_web_page_seconds" in client.get("/metrics").text
    wrong = client.post("/login", data={"token": "guess", "next": "/"}, follow_redirects=False)
    assert wrong.status_code == 401 and COOKIE not in wrong.cookies
    right = client.post(
        "/login", data={"token": "s3cret-token", "next": f"/stories/{STORY}"},
        follow_redirects=False,
    )  # fmt: skip
    assert right.status_code == 303 and right.headers["location"] == f"/stories/{STORY}"
    assert "httponly" in right.headers["set-cookie"].lower()
    assert client.get(f"/stories/{STORY}").status_code == 200  # the cookie is sent now
    client.cookies.set(COOKIE, "forged.value.sig")
    assert client.get(f"/stories/{STORY}").status_code == 401


def test_after_login_only_local_paths() -> None:
    assert safe_next("/stories/x?y=1") == "/stories/x?y=1"
    for bad in ("https://evil.example/", "//evil.example", "/\\evil", None, ""):
        assert safe_next(bad) == "/"


def test_pages_open_beyond_loopback_need_a_token() -> None:
    check_exposure(Settings(metrics_host="127.0.0.1"))
    check_exposure(Settings(metrics_host="0.0.0.0", web_token=SecretStr("t")))
    with pytest.raises(OpenBeyondLoopback, match="CLAIMWATCH_WEB_TOKEN"):
        check_exposure(Settings(metrics_host="0.0.0.0"))
