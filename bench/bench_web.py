"""The story pages: render time for a big story, and the read model's lag behind the pipeline.

1. Render: a written, fictional story of ``--articles`` articles (200) from 40 outlets, every
   fifth a syndicated copy, with ten claims each (2,000): eight figures that move over the
   day, a threat and a quote; plus a contradiction (5 versions), a key-claim alert (10
   versions) and a figure update (20-step timeline). It is written through the read model's
   own writer into SQLite and into PostgreSQL (Debian's, started like the tests do), and the
   pages are served by the real app under uvicorn on 127.0.0.1. Sequential GETs over one
   connection: ``--requests`` story pages, stories lists and article pages; p50/p95/max in
   seconds and the page size.
2. Lag (``--lag``): the load bench's pipeline (bench/harness.py) plus ``claimwatch web`` on
   SQLite; the pipeline's capacity is measured with the same closed loop as
   bench_pipeline.py, then articles are pushed at 50 % of it for ``--step-s`` seconds. Each
   alert version's lag is ``read_at - fired_at`` from the read model's own table: the time
   from the alert stage stamping the alert to the web service writing it.

Prints one JSON object.

    .venv/bin/python bench/bench_web.py [--requests 60] [--lag --step-s 60]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "web"))  # PostgreSQL

from claimwatch.models import (
    Article,
    ArticleProcessed,
    Claim,
    ClaimsExtracted,
    ClaimType,
    DuplicateKind,
    EntitiesExtracted,
    Entity,
    Interval,
)
from claimwatch.ports import free_port
from claimwatch.serving import make_server
from claimwatch_web.app import create_app
from claimwatch_web.auth import Gate
from claimwatch_web.database import make_engine, migrate
from claimwatch_web.live import ChangeHub
from claimwatch_web.records import AlertRecord
from claimwatch_web.store import ReadModelWriter

STORY = "st-bench-flood"
T0 = datetime(2026, 4, 2, 5, 0, tzinfo=UTC)
OUTLETS = [f"outlet-{i:02d}" for i in range(40)]
FIGURES = [  # (slot, unit, sentence with {v}, start value, rise per hour)
    ("quantity:person:missing", "person", "Officials said {v} people were missing.", 12, 3),
    ("quantity:person:killed", "person", "Rescuers said {v} people had died.", 4, 1),
    ("quantity:home:flood", "home", "About {v} homes were under water.", 300, 40),
    ("quantity:village:evacuate", "village", "{v} villages were evacuated overnight.", 5, 1),
    ("measurement:level", "metre", "The river stood at {v} metres at the gauge.", 6, 0.2),
    ("quantity:soldier:deploy", "soldier", "The army sent {v} soldiers to help.", 200, 50),
    ("quantity:shelter:open", "shelter", "Authorities opened {v} shelters.", 10, 2),
    ("quantity:road:close", "road", "Police closed {v} roads in the valley.", 8, 1),
]
THREAT = "Governor Ilse Marr warned that looters would be shot on sight."
QUOTE = '"We will rebuild every house," Marr told reporters.'


def _claims_for(i: int, at: datetime, text: str) -> list[Claim]:
    hours = (at - T0).total_seconds() / 3600
    claims = []
    for n, (slot, unit, sentence, start, rise) in enumerate(FIGURES):
        value = round(start + rise * int(hours), 1)
        said = sentence.format(v=f"{value:g}")
        begin = text.index(said)
        claims.append(
            Claim(
                id=f"a{i}:{n}",
                type=ClaimType.MEASUREMENT
                if slot.startswith("measurement")
                else ClaimType.QUANTITY,
                text=said,
                start=begin,
                end=begin + len(said),
                confidence=0.9,
                value=Interval(low=value, high=value, unit=unit),
                slot=slot,
            )
        )
    for n, (kind, sentence) in enumerate(((ClaimType.THREAT, THREAT), (ClaimType.QUOTE, QUOTE))):
        begin = text.index(sentence)
        claims.append(
            Claim(
                id=f"a{i}:{8 + n}",
                type=kind,
                text=sentence,
                start=begin,
                end=begin + len(sentence),
                confidence=0.8,
                actor="Ilse Marr",
                actor_class="state_official",
                target="looters" if kind is ClaimType.THREAT else None,
                target_class="civilians" if kind is ClaimType.THREAT else None,
            )
        )
    return claims


def big_story(n_articles: int) -> list[Any]:
    records: list[Any] = []
    for i in range(n_articles):
        at = T0 + timedelta(minutes=5 * i)
        hours = int((at - T0).total_seconds() / 3600)
        text = " ".join(
            [s.format(v=f"{round(v0 + r * hours, 1):g}") for _, _, s, v0, r in FIGURES]
            + [THREAT, QUOTE]
        )
        aid = f"bench{i:04d}"
        copy = i % 5 == 4
        records.append(
            Article(
                id=aid,
                source=OUTLETS[i % len(OUTLETS)],
                url=f"https://{OUTLETS[i % len(OUTLETS)]}.example/{aid}",
                title=f"Flood in the Varn valley: update {i}",
                published_at=at,
                ingested_at=at + timedelta(seconds=30),
                text=text,
                original_text=text,
                duplicate_of=f"bench{i - 1:04d}" if copy else None,
                duplicate_kind=DuplicateKind.EXACT if copy else None,
            )
        )
        records.append(
            ClaimsExtracted(
                article_id=aid,
                source=OUTLETS[i % len(OUTLETS)],
                ingested_at=at,
                claims=_claims_for(i, at, text),
                extracted_at=at + timedelta(seconds=31),
            )
        )
        records.append(
            EntitiesExtracted(
                article_id=aid,
                source=OUTLETS[i % len(OUTLETS)],
                entities=[
                    Entity(id="gpe:varn", name="Varn", type="GPE"),
                    Entity(id="person:ilse-marr", name="Ilse Marr", type="PERSON"),
                ],
            )
        )
        records.append(
            ArticleProcessed(article_id=aid, story=STORY, processed_at=at + timedelta(seconds=32))
        )
    records += _alerts()
    return records


def _alerts() -> list[AlertRecord]:
    side = {"text": FIGURES[0][2].format(v=12), "sources": OUTLETS[:3]}
    out = [
        AlertRecord.model_validate(
            {
                "id": "ct-bench",
                "version": v,
                "kind": "contradiction",
                "rule": "contradiction",
                "severity": "high",
                "title": "Outlets disagree on people missing",
                "story": STORY,
                "slot": "quantity:person:missing",
                "sides": [
                    {**side, "value": {"low": 12, "high": 12, "unit": "person"}},
                    {
                        "text": FIGURES[0][2].format(v=15),
                        "sources": OUTLETS[3:6],
                        "value": {"low": 15, "high": 15, "unit": "person"},
                    },
                ],
                "independent_sources": 2 + v,
                "explanation": "two values at once",
                "fired_at": (T0 + timedelta(hours=v)).isoformat(),
            }
        )
        for v in range(1, 6)
    ]
    out += [
        AlertRecord.model_validate(
            {
                "id": "kc-bench",
                "version": v,
                "kind": "key_claim",
                "rule": "threat-of-force",
                "severity": "critical",
                "title": "Ilse Marr threatens force against looters",
                "story": STORY,
                "claim": {
                    "type": "threat",
                    "actor": "Ilse Marr",
                    "target": "looters",
                    "text": THREAT,
                    "sources": OUTLETS[:v],
                },
                "independent_sources": v,
                "explanation": "a threat of force, reported independently",
                "fired_at": (T0 + timedelta(minutes=30 * v)).isoformat(),
            }
        )
        for v in range(1, 11)
    ]
    timeline = [
        {
            "value": {"low": 12 + 3 * h, "high": 12 + 3 * h, "unit": "person"},
            "sources": [OUTLETS[h % 40]],
            "published_at": (T0 + timedelta(hours=h)).isoformat(),
            "text": FIGURES[0][2].format(v=12 + 3 * h),
        }
        for h in range(20)
    ]
    out.append(
        AlertRecord.model_validate(
            {
                "id": "fu-bench",
                "version": 1,
                "kind": "figure_update",
                "rule": "figure-update",
                "severity": "info",
                "title": "People missing in the Varn flood: 12 -> 69",
                "fact": "people missing in the Varn valley flood",
                "story": STORY,
                "slot": "quantity:person:missing",
                "timeline": timeline,
                "independent_sources": 20,
                "explanation": "the figure rose",
                "fired_at": (T0 + timedelta(hours=20)).isoformat(),
            }
        )
    )
    return out


def percentiles(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"n": 0, "p50": None, "p95": None, "max": None}
    arr = np.array(values)
    return {
        "n": len(values),
        "p50": round(float(np.percentile(arr, 50)), 4),
        "p95": round(float(np.percentile(arr, 95)), 4),
        "max": round(float(arr.max()), 4),
    }


def render_bench(url: str, n_articles: int, requests: int) -> dict[str, Any]:
    engine = make_engine(url)
    migrate(engine)
    started = time.perf_counter()
    ReadModelWriter(engine).apply(big_story(n_articles), {})
    write_s = time.perf_counter() - started
    port = free_port()
    server = make_server(create_app(engine, ChangeHub(), Gate(None)), "127.0.0.1", port)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=60, trust_env=False) as client:
            deadline = time.monotonic() + 30
            while True:
                try:
                    client.get("/healthz")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "the app did not start"
                    time.sleep(0.1)
            pages = {
                "story": f"/stories/{STORY}",
                "stories": "/",
                "article": "/articles/bench0100",
            }
            out: dict[str, Any] = {"write_s": round(write_s, 2)}
            for name, path in pages.items():
                for _ in range(3):  # warm-up
                    assert client.get(path).status_code == 200
                times = []
                size = 0
                for _ in range(requests):
                    t = time.perf_counter()
                    resp = client.get(path)
                    times.append(time.perf_counter() - t)
                    assert resp.status_code == 200
                    size = len(resp.content)
                out[name] = {**percentiles(times), "bytes": size}
            return out
    finally:
        server.should_exit = True
        thread.join(10)
        engine.dispose()


def lag_bench(step_s: float, capacity_s: float) -> dict[str, Any]:
    from bench_pipeline import Feed, capacity, latency_step, warm_up
    from harness import Pipeline
    from sqlalchemy import select

    from claimwatch_web.schema import ALERTS, utc

    with tempfile.TemporaryDirectory(prefix="claimwatch-bench-web-") as tmp:
        pipe = Pipeline(Path(tmp)).start()
        try:
            web_port = free_port()
            pipe._spawn("web", ["web", "--port", str(web_port)])
            pipe._wait_http(f"http://127.0.0.1:{web_port}/healthz", pipe.children["web"])
            feed = Feed(seed=19)
            warm_up(pipe, feed, 8, 180)
            cap = capacity(pipe, feed, capacity_s)
            rate = 0.5 * cap["articles_per_s"]
            step_started = datetime.now(UTC)
            step = latency_step(pipe, feed, rate, step_s, sample_rss=False)
            time.sleep(5)  # every webhook arrived; give the read model its last batch
            assert pipe.settings is not None
            engine = make_engine(f"sqlite:///{(pipe.settings.data_dir / 'web.sqlite3').resolve()}")
            with engine.connect() as conn:
                rows = conn.execute(
                    select(ALERTS.c.fired_at, ALERTS.c.read_at).where(
                        ALERTS.c.fired_at >= step_started
                    )
                ).all()
            engine.dispose()
            lags = [(utc(r.read_at) - utc(r.fired_at)).total_seconds() for r in rows if r.read_at]
            return {
                "capacity_articles_per_s": cap["articles_per_s"],
                "offered_articles_per_s": round(rate, 2),
                "articles": step["articles"],
                "webhooks_arrived": step["arrived"],
                "ingest_to_webhook_s": step["latency_s"],
                "alert_versions_in_read_model": len(lags),
                "read_model_lag_behind_alert_s": percentiles(lags),
            }
        finally:
            pipe.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--lag", action="store_true", help="also measure the lag at 50 %% load")
    parser.add_argument("--step-s", type=float, default=60.0)
    parser.add_argument("--capacity-s", type=float, default=30.0)
    args = parser.parse_args()
    results: dict[str, Any] = {
        "story": {"articles": args.articles, "claims": 10 * args.articles},
        "render": {},
    }
    with tempfile.TemporaryDirectory(prefix="claimwatch-bench-web-") as tmp:
        results["render"]["sqlite"] = render_bench(
            f"sqlite:///{Path(tmp) / 'web.sqlite3'}", args.articles, args.requests
        )
    if not args.no_postgres:
        from pg_server import PostgresServer

        server = PostgresServer().start()
        try:
            url = server.create_database("bench")
            results["render"]["postgresql"] = render_bench(url, args.articles, args.requests)
        finally:
            server.stop()
    if args.lag:
        results["lag_behind_alerts_at_50pct"] = lag_bench(args.step_s, args.capacity_s)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
