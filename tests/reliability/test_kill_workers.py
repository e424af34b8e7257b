"""SIGKILL each worker while a corpus flows, start a replacement, and show the guarantee:
every article processed (a marker per accepted id), every expected alert fired, no webhook-id
seen twice by the subscriber, and no secret in any log line or metric of the whole run.

One run, three waves of stories; in each wave one worker (extract, then alert, then deliver)
is killed with SIGKILL once the wave is visibly in flight, and a replacement is started.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from reliability_support import (
    API_TOKEN,
    INGEST_TOKEN,
    REPO,
    Receiver,
    Service,
    Watcher,
    filler_article,
    start_service,
    subscribe,
    trace_articles,
    wait_for,
    wait_http_ok,
)

from claimwatch.models import Alert, AlertKind, SubscriptionFilters
from claimwatch.ports import free_port
from claimwatch.settings import Settings
from claimwatch_app.evaluation import details, load_corpus, score
from claimwatch_deliver.filters import matches
from claimwatch_deliver.signing import webhook_id
from claimwatch_ingest.files import iter_article_paths, read_article_file


def story_articles(folder: Path) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for path in iter_article_paths([folder]):
        raw = read_article_file(path)
        out.append(
            {
                "source": raw.source,
                "text": raw.body,
                "content_type": raw.content_type,
                "title": raw.title,
                "url": raw.url,
                "published_at": raw.published_at.isoformat() if raw.published_at else None,
            }
        )
    return out


def push(api: str, articles: list[dict[str, object]]) -> list[str]:
    """Push in batches of 20 with the token; every article must be accepted (202)."""
    ids: list[str] = []
    for i in range(0, len(articles), 20):
        resp = httpx.post(
            f"{api}/articles/batch",
            json={"articles": articles[i : i + 20]},
            headers={"Authorization": f"Bearer {INGEST_TOKEN}"},
            timeout=60,
        )
        assert resp.status_code == 202, resp.text
        ids += [a["id"] for a in resp.json()["articles"]]
    return ids


ANY = SubscriptionFilters()  # what the test's subscription asked for


def alerts_per_story_and_rule(
    alerts: list[Alert], owners: dict[str, str]
) -> dict[tuple[str, str, str | None], set[str]]:
    """Alert ids by (corpus story, rule, slot for contradictions or speaker for key claims)
    over every alert version."""
    found: dict[tuple[str, str, str | None], set[str]] = defaultdict(set)
    for alert in alerts:
        key = alert.slot if alert.kind is AlertKind.CONTRADICTION else None
        if alert.kind is AlertKind.KEY_CLAIM and alert.claim is not None:
            key = alert.claim.actor
        for story in {owners[a] for a in alert.article_ids if a in owners}:
            found[(story, alert.rule, key)].add(alert.id)
    return found


@pytest.mark.slow
def test_sigkill_each_worker_mid_flow_loses_nothing_and_pages_once(
    settings_factory: Callable[..., Settings], tmp_path: Path
) -> None:
    settings = settings_factory(
        ingest_token=INGEST_TOKEN,
        api_token=API_TOKEN,
        webhook_allow_hosts=["127.0.0.1"],
        retry_schedule_s=[0, 0.5, 1, 2, 4, 8],
        webhook_timeout_s=5.0,
    )
    stories = load_corpus(REPO / "tests" / "corpus")  # 8 stories, 28 articles
    waves = [stories[0:3], stories[3:6], stories[6:]]
    rng = random.Random(9)
    receiver = Receiver()
    api_port = free_port()
    logs = tmp_path / "logs"
    ingest = start_service("ingest", settings, logs, ingest_port=api_port)
    extract = start_service("extract", settings, logs, name="extract-1")
    alert = start_service("alert", settings, logs, name="alert-1")
    deliver = start_service("deliver", settings, logs, name="deliver-1")
    running: list[Service] = [ingest, extract, alert, deliver]
    watcher = Watcher(settings)
    api = f"http://127.0.0.1:{api_port}"
    owners: dict[str, str] = {}
    rss: dict[str, float] = {}
    kills: dict[str, dict[str, int]] = {}
    try:
        wait_http_ok(f"{api}/readyz", ingest)
        wait_http_ok(f"http://127.0.0.1:{deliver.port}/readyz", deliver)
        sub = subscribe(deliver, receiver.url)

        def wave_articles(n: int) -> tuple[list[dict[str, object]], list[str | None]]:
            """The wave's story articles, in corpus order."""
            articles: list[dict[str, object]] = []
            names: list[str | None] = []
            for story in waves[n]:
                for a in story_articles(story.folder):
                    articles.append(a)
                    names.append(story.name)
            return articles, names

        def fillers(n: int, when: object, start: int, count: int) -> list[dict[str, object]]:
            # fillers dated like the wave's stories: the story index ages stories by the
            # newest article time it has seen, so undated (= now) fillers would expire them
            return [
                dict(filler_article(n * 1000 + i, rng), published_at=when)
                for i in range(start, start + count)
            ]

        def accept(articles: list[dict[str, object]], names: list[str | None]) -> list[str]:
            ids = push(api, articles)
            owners.update({i: s for i, s in zip(ids, names, strict=True) if s is not None})
            return ids

        def send_wave(n: int) -> list[str]:
            articles, names = wave_articles(n)
            when = next(a["published_at"] for a in articles if a["published_at"])
            return accept(articles + fillers(n, when, 0, 30), names + [None] * 30)

        def note_rss(service: Service) -> None:
            key = service.proc.name.split("-")[0]
            rss[key] = max(rss.get(key, 0.0), service.peak_rss_mb())

        def kill_mid_wave(n: int, victim: Service, out: Counter[str]) -> tuple[list[str], Service]:
            """Push wave ``n`` five articles at a time and SIGKILL ``victim`` the moment a
            batch is accepted after the wave's first output from it: the batch just accepted
            cannot have been processed yet, so the kill lands with work in flight however
            fast the machine is. The rest of the wave goes to the replacement."""
            stage = victim.proc.name.split("-")[0]
            articles, names = wave_articles(n)
            when = next(a["published_at"] for a in articles if a["published_at"])
            extra = 0
            ids: list[str] = []
            deadline = time.monotonic() + 120
            while True:
                assert victim.proc.alive(), victim.proc.log_tail(40)
                assert time.monotonic() < deadline, (
                    f"no {stage} output:\n{victim.proc.log_tail(40)}"
                )
                if len(articles) < 5:  # stories all sent: keep the stage busy with fillers
                    articles += fillers(n, when, extra, 5)
                    names += [None] * 5
                    extra += 5
                ids += accept(articles[:5], names[:5])
                del articles[:5], names[:5]
                if len(ids) >= 15 and any(out[i] for i in ids):
                    break
                time.sleep(0.2)
            note_rss(victim)
            victim.proc.kill()
            time.sleep(1.0)  # the watcher reads what the victim wrote before it died
            done = sum(1 for i in ids if out[i])
            kills[stage] = {"processed_before_kill": done, "accepted_before_kill": len(ids)}
            assert done < len(ids), "the kill must land while the wave is in flight"
            replacement = start_service(stage, settings, logs, name=f"{stage}-2")
            ids += accept(articles + fillers(n, when, extra, 20), names + [None] * 20)
            return ids, replacement

        # wave 1: SIGKILL extract mid-wave (claims); wave 2: SIGKILL alert (markers)
        all_ids, extract = kill_mid_wave(0, extract, watcher.claims)
        running[1] = extract
        ids, alert = kill_mid_wave(1, alert, watcher.markers)
        running[2] = alert
        all_ids += ids

        # wave 3: SIGKILL deliver while it has webhooks in flight that the subscriber has not
        # answered yet (the receiver stalls after the wave's first webhook). Those were never
        # acknowledged, so the replacement must send them again; everything acknowledged
        # before is already recorded on the deliveries topic and must not be sent again.
        # (A kill in the instant between a receiver's 2xx and that record cannot be told
        # apart from a lost request; that one webhook would be re-sent with the same id, as
        # docs/reliability.md says: receivers de-duplicate on webhook-id.)
        before = len(receiver.delivered)
        receiver.hold_after = before + 1
        ids = send_wave(2)
        all_ids += ids
        wait_for("a webhook held in flight", lambda: bool(receiver.held_ids()), 180, alert)
        wait_for(
            "the answered webhooks recorded on the deliveries topic",
            lambda: all(watcher.delivered[r] for r in receiver.webhook_ids()),
            60,
            deliver,
        )
        note_rss(deliver)
        deliver.proc.kill()
        receiver.release()
        kills["deliver"] = {
            "delivered_before_kill": len(receiver.delivered) - before,
            "in_flight_at_kill": len(receiver.held_ids()),
        }
        deliver = start_service("deliver", settings, logs, name="deliver-2")
        running[3] = deliver
        wait_http_ok(f"http://127.0.0.1:{deliver.port}/readyz", deliver)

        # everything processed: a marker for every accepted id, every alert version delivered
        try:
            wait_for(
                "a marker for every article",
                lambda: all(watcher.markers[i] for i in all_ids),
                240,
                *running,
            )
        except AssertionError:
            missing = [i for i in all_ids if not watcher.markers[i]]
            groups = [settings.group(s) for s in ("extract", "alert")]
            print("trace of unmarked articles:\n" + trace_articles(settings, missing, groups))
            raise

        def expected_ids() -> set[str]:
            """Every alert version that pages the subscriber (figure updates are opt-in)."""
            paging = {(a.id, a.version) for a in list(watcher.alerts) if matches(a, ANY)}
            return {webhook_id(a, v, sub["id"]) for a, v in paging}

        try:
            wait_for(
                "every alert version delivered",
                lambda: expected_ids() <= set(receiver.delivered),
                120,
                *running,
            )
        except AssertionError:
            versions = {
                webhook_id(a, v, sub["id"]): f"{a}:{v}" for a, v in watcher.alert_versions()
            }
            undelivered = {versions[m] for m in expected_ids() - set(receiver.delivered)}
            print("undelivered alert versions:", sorted(undelivered), "held:", receiver.held_ids())
            raise
        for service in running:
            note_rss(service)
        # no webhook-id twice: give late redeliveries a chance to show up first
        time.sleep(2)
        assert receiver.duplicates() == {}, receiver.duplicates()
        assert set(receiver.delivered) == expected_ids()
        assert set(receiver.held_ids()) <= set(receiver.delivered)  # unanswered: sent again
        assert set(watcher.articles) >= set(all_ids)

        # one alert per (story, rule) — per slot for contradictions, per speaker for key
        # claims: a story split by a restart (its index entry not recovered) pages the same
        # claim again as a new one-source alert instead of a new version of the first
        alert_ids = alerts_per_story_and_rule(list(watcher.alerts), owners)
        assert {k: v for k, v in alert_ids.items() if len(v) > 1} == {}, alert_ids

        scores = score(stories, list(watcher.alerts), owners)
        missed = {s.story: s.missed for s in scores if s.missed}
        forbidden = {s.story: s.forbidden for s in scores if s.forbidden}
        assert not missed and not forbidden, "\n".join(details(scores))

        # no secret in any metric of the live services ...
        secrets = [INGEST_TOKEN, API_TOKEN, sub["secret"], sub["secret"].removeprefix("whsec_")]
        for service in running:
            text = service.metrics()
            assert not [s for s in secrets if s in text], service.proc.name
    finally:
        watcher.stop()
        for service in running:
            service.proc.stop()
        receiver.stop()
    # ... nor in any log line of any child of the run (killed ones included)
    logs_text = {p.name: p.read_text(errors="replace") for p in logs.glob("*.log")}
    assert len(logs_text) == 7
    leaks = {name: s for name, text in logs_text.items() for s in secrets if s in text}
    assert leaks == {}, leaks
    figures = {
        "articles_in": len(all_ids),
        "articles_marked": sum(1 for i in all_ids if watcher.markers[i]),
        "alert_versions": len(watcher.alert_versions()),
        "alert_ids": len({a.id for a in watcher.alerts}),
        "alert_records": len(watcher.alerts),
        "webhooks_delivered": len(receiver.delivered),
        "duplicate_webhook_ids": len(receiver.duplicates()),
        "redelivered_markers": sum(1 for i in all_ids if watcher.markers[i] > 1),
        "kills": kills,
        "peak_rss_mib": {k: round(v, 1) for k, v in sorted(rss.items())},
    }
    print("reliability-figures", json.dumps(figures))
