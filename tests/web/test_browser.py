"""What a person sees, in headless Chromium, on SQLite and on PostgreSQL.

The sample stories (samples/) went through the real pipeline; each web service rebuilt its
read model from the topics into an empty database. The checks are on the rendered page: what is
visible, where it is laid out, what is marked, and that article markup stays text.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from web_support import (
    SCRIPT_OUTLET,
    Browser,
    Pipeline,
    WebServer,
    live_article,
    unique_outlet,
)

COALITION = "legitimate targets"  # the sample stories' headlines (samples/, written for us)
QUAKE = "earthquake strikes off Taliran coast"
DOCK = "Dock workers threaten strike"


def _story_row(page: Page, title: str) -> object:
    return page.locator("tr.story-row", has_text=title)


def _open_story(page: Page, title: str) -> None:
    page.goto("/")
    page.locator("a.story-title", has_text=title).click()
    expect(page.locator("h1.story-title")).to_contain_text(title)


def _shot(page: Page, folder: Path | None, name: str, selector: str | None = None) -> None:
    if folder is None:
        return
    if selector is None:
        page.screenshot(path=str(folder / name))
    else:
        page.locator(selector).first.screenshot(path=str(folder / name))


def test_stories_list_shows_outlets_badges_and_filters(
    web: WebServer, browser: Browser, screenshots: Path | None
) -> None:
    with browser.page(web.url) as page:
        page.goto("/")
        coalition = page.locator("tr.story-row", has_text=COALITION)
        expect(coalition.locator("td.outlets")).to_have_text("4")
        expect(coalition.locator('.badge[data-kind="key_claim"]')).to_be_visible()
        expect(coalition.locator('.badge[data-kind="contradiction"]')).to_contain_text("×2")
        quake = page.locator("tr.story-row", has_text=QUAKE)
        expect(quake.locator('.badge[data-kind="contradiction"]')).to_be_visible()
        expect(quake.locator('.badge[data-kind="key_claim"]')).to_have_count(0)
        dock = page.locator("tr.story-row", has_text=DOCK)
        expect(dock.locator("td.outlets")).to_have_text("3")
        expect(dock.locator(".badge")).to_have_count(0)
        times = page.locator("tr.story-row td.time").all_inner_texts()
        assert times == sorted(times, reverse=True), times  # newest first
        if web.database_url.startswith("sqlite"):
            _shot(page, screenshots, "stories.png")

        page.select_option('form.filters select[name="kind"]', "key_claim")
        page.click("form.filters button")
        expect(page.locator("tr.story-row")).to_have_count(1)
        expect(page.locator("tr.story-row")).to_contain_text(COALITION)

        page.goto("/")
        page.fill("form.filters input[name=q]", "taliran")
        page.click("form.filters button")
        expect(page.locator("tr.story-row", has_text=QUAKE)).to_have_count(1)
        expect(page.locator("tr.story-row", has_text=COALITION)).to_have_count(0)
        expect(page.locator("tr.story-row", has_text=DOCK)).to_have_count(0)


def test_contradiction_sides_next_to_each_other_with_the_numbers_marked(
    web: WebServer, browser: Browser, screenshots: Path | None
) -> None:
    with browser.page(web.url) as page:
        _open_story(page, COALITION)
        card = page.locator("article.contradiction", has_text="country")
        sides = card.locator(".side")
        expect(sides).to_have_count(2)
        left, right = sides.nth(0).bounding_box(), sides.nth(1).bounding_box()
        assert left is not None and right is not None
        assert abs(left["y"] - right["y"]) < 2, (left, right)  # one row
        assert left["x"] + left["width"] <= right["x"], (left, right)  # side by side
        expect(sides.nth(0).locator(".value")).to_have_text("24 country")
        expect(sides.nth(0).locator("blockquote mark.num").first).to_have_text("24")
        expect(sides.nth(1).locator(".value")).to_have_text("26 country")
        expect(sides.nth(1).locator("blockquote mark.num").first).to_have_text("26")
        # "more than two dozen" joined the 26 side; its number is marked with its qualifier
        expect(sides.nth(1).locator("mark.num", has_text="two dozen")).to_have_text(
            re.compile(r"more than two dozen", re.I)
        )
        expect(sides.nth(1).locator(".sources a").first).to_have_attribute(
            "href", re.compile(r"^/articles/")
        )
        report = page.locator("tr.report.is-copy")
        expect(report).to_have_count(1)
        expect(report.locator(".copy")).to_contain_text("copy of")
        expect(page.locator("#alerts .versions li").first).to_contain_text("independent source")
        if web.database_url.startswith("sqlite"):
            page.set_viewport_size({"width": 1280, "height": 1300})
            _shot(page, screenshots, "story.png")
            _shot(page, screenshots, "contradiction.png", "#contradictions")


def test_a_figure_that_moves_has_a_timeline_chart(
    web: WebServer, browser: Browser, screenshots: Path | None
) -> None:
    with browser.page(web.url) as page:
        _open_story(page, QUAKE)
        toll = page.locator('article.fact.moving[data-slot="quantity:person:killed"]')
        expect(toll.locator("svg.chart")).to_be_visible()
        assert toll.locator("svg.chart circle").count() >= 2
        values = toll.locator("table.values td.value").all_inner_texts()
        assert values[0] == "≥ 300 person", values  # in time order: "at least 300" first
        assert "312 person" in values, values
        expect(toll.locator("mark.num", has_text="300")).to_have_text("at least 300")
        # the alert stage's figure_update alert: its timeline, oldest value first
        update = page.locator("#figure-updates article.figure-update").first
        steps = update.locator("ol.timeline li .value").all_inner_texts()
        assert steps[:2] == ["≥ 300 person", "312 person"], steps
        expect(update.locator("mark.num").first).to_have_text("at least 300")
        magnitude = page.locator("article.contradiction")
        expect(magnitude.locator(".side .value")).to_have_text(["6.8 magnitude", "7.4 magnitude"])
        if web.database_url.startswith("sqlite"):
            _shot(page, screenshots, "figure-timeline.png", "#facts")
            _shot(page, screenshots, "figure-update.png", "#figure-updates")


def test_article_page_marks_every_claim_with_its_type(
    web: WebServer, browser: Browser, screenshots: Path | None
) -> None:
    with browser.page(web.url) as page:
        _open_story(page, QUAKE)
        page.locator("tr.report", has_text="valley-times").locator("a").first.click()
        expect(page.locator("h1.article-title")).to_contain_text("Survivors sleep outdoors")
        claims = page.locator("table.claims tbody tr")
        n = claims.count()
        assert n >= 3
        tags = page.locator(".article-text .tag")
        expect(tags).to_have_count(n)  # every claim is marked where it starts, with its type
        toll = page.locator('.article-text mark.claim[data-types~="quantity"]', has_text="312")
        expect(toll.locator("strong.num")).to_have_text("312")
        quake = page.locator('.article-text mark.claim[data-types~="measurement"]')
        expect(quake.locator("strong.num", has_text="7.4")).to_have_count(1)
        expect(page.locator(".article-text")).to_contain_text("measurement #")
        if web.database_url.startswith("sqlite"):
            _shot(page, screenshots, "article.png")


def test_markup_in_an_article_is_shown_as_text(
    web: WebServer, browser: Browser, pipeline: Pipeline
) -> None:
    with browser.page(web.url) as page:
        response = page.goto(f"/articles/{pipeline.script_article_id}")
        assert response is not None and response.ok
        assert "script-src 'self'" in response.headers["content-security-policy"]
        expect(page.locator(".meta .outlet")).to_have_text(SCRIPT_OUTLET)
        text = page.locator(".article-text")
        expect(text).to_contain_text("<script>window.__pwned = true;</script>")
        expect(text).to_contain_text('<img src="x" onerror="window.__pwned = true">')
        expect(text.locator("script, img")).to_have_count(0)
        expect(page.locator("h1.article-title")).to_contain_text("<b>again</b>")
        expect(page.locator("a.original")).to_have_attribute(  # quoted, not markup
            "href", 'https://ridge-courier.example/quake?q="><script>window.__pwned=true</script>'
        )
        assert page.evaluate("window.__pwned") is None
        # it is one more report on the quake story: its headline is listed there, as text
        page.locator(".crumbs a", has_text="story").click()
        report = page.locator(f'tr.report[data-article="{pipeline.script_article_id}"]')
        expect(report.locator("td.outlet")).to_have_text(SCRIPT_OUTLET)
        expect(report).to_contain_text("<b>again</b>")
        expect(report.locator("b, script, img")).to_have_count(0)
        expect(page.locator("tr.report")).not_to_have_count(1)  # the quake's other reports
        assert page.evaluate("window.__pwned") is None


def test_pages_update_live_when_a_new_article_arrives(
    web: WebServer, browser: Browser, pipeline: Pipeline
) -> None:
    outlet = unique_outlet("bulletin")
    with browser.page(web.url) as page, browser.page(web.url) as listing:
        _open_story(page, QUAKE)
        listing.goto("/")
        for watching in (page, listing):
            expect(watching.locator("body")).to_have_attribute("data-live-connected", "1")
        expect(page.locator("#reports")).not_to_contain_text(outlet)
        row = listing.locator("tr.story-row", has_text=QUAKE)
        outlets_before = int(row.locator("td.outlets").inner_text())
        page.evaluate("window.__stillHere = 42")
        (article_id,) = pipeline.publish_now([live_article(outlet)])
        report = page.locator(f'tr.report[data-article="{article_id}"]')
        expect(report).to_contain_text(outlet, timeout=90_000)
        assert page.evaluate("window.__stillHere") == 42  # updated in place, not reloaded
        assert int(page.locator("body").get_attribute("data-live-version") or 0) >= 1
        toll = page.locator('article.fact[data-slot="quantity:person:killed"]')
        row_of_new = toll.locator("tr", has=page.locator(f'a[href="/articles/{article_id}"]'))
        expect(row_of_new.locator("td.value")).to_have_text("340 person")
        # the stories list, open in another tab, counts the new outlet without a reload
        expect(row.locator("td.outlets")).to_have_text(str(outlets_before + 1), timeout=30_000)
