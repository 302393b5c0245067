"""The web page in a real browser: Playwright driving Debian's Chromium against a live
oversett (tiny models) on 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service.compose.services import load_services

from ..conftest import REPO, serve_in_thread, tiny_settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic",
]
ARTIFACTS = Path(os.environ.get("OVERSETT_TEST_ARTIFACTS", REPO / "test-artifacts"))
MAX_CHARS = 5_000



@pytest.fixture(scope="module")
def live_url(tiny_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    state = tmp_path_factory.mktemp("page")
    yield from serve_in_thread(load_services(tiny_settings(tiny_models, state, max_chars=MAX_CHARS)))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed (apt-get install chromium; .ci/run does this)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, live_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.goto(live_url + "/")
    yield opened
    context.close()


def wait_translated(page: Any, timeout: int = 120_000) -> None:
    """The stream has ended and the page shows the whole translation."""
    page.wait_for_function("document.getElementById('status').textContent === 'Translated.'", timeout=timeout)


def _paragraphs(text: str) -> int:
    return len([p for p in text.split("\n\n") if p.strip()])


def test_translate_the_seed_side_by_side(page: Any, seed_text: str) -> None:
    page.get_by_label("Norwegian text").fill(seed_text)
    page.get_by_role("button", name="Translate").click()
    wait_translated(page)
    sources = page.locator(".pair .para.source")
    targets = page.locator(".pair .para.target")
    assert sources.count() == targets.count() == _paragraphs(seed_text)
    meta = page.locator("#result-meta").inner_text()
    assert "Bokmål" in meta and "torch" in meta and "from the cache" in meta

    # Hovering a source sentence highlights exactly one sentence on the English side.
    first = page.locator(".para.source .sentence").nth(3)
    first.hover()
    assert page.locator(".para.target .sentence.highlight").count() == 1
    assert page.locator(".para.source .sentence.highlight").count() == 1
    segment = first.get_attribute("data-segment")
    assert page.locator(".para.target .sentence.highlight").get_attribute("data-segment") == segment
    # Keyboard focus does the same (with the mouse moved away first).
    page.mouse.move(0, 0)
    assert page.locator(".sentence.highlight").count() == 0
    page.locator(".para.source .sentence").nth(5).focus()
    assert page.locator(".para.target .sentence.highlight").count() == 1

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "page-translated-seed.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"\nscreenshot of the translated seed: {shot}")
    assert shot.stat().st_size > 10_000


def test_a_long_article_fills_in_through_the_stream(page: Any, seed_text: str) -> None:
    """The page reads the NDJSON stream: sentences appear as they are done, then the whole."""
    page.evaluate("""() => {
      window.__partial = 0;
      new MutationObserver(() => {
        if (document.querySelector('.para.target.pending')) window.__partial += 1;
      }).observe(document.body, {subtree: true, childList: true});
    }""")
    text = "\n\n".join(seed_text.split("\n\n")[:8]) + "\n\n" + " ".join(
        f"Setning nummer {i} kommer her." for i in range(40)
    )
    page.get_by_label("Norwegian text").fill(text)
    with page.expect_response("**/v1/translate/stream") as streamed:
        page.get_by_role("button", name="Translate").click()
    assert streamed.value.headers["content-type"].startswith("application/x-ndjson")
    page.wait_for_function("document.getElementById('status').textContent === 'Translated.'", timeout=120_000)
    assert page.evaluate("window.__partial") > 0  # it showed sentences before the last was done
    assert page.locator(".para.target.pending").count() == 0  # and the final view replaced them
    assert page.locator(".pair").count() == _paragraphs(text)


def test_ctrl_enter_translates(page: Any) -> None:
    page.get_by_label("Norwegian text").fill("Det regner i Bergen i dag.")
    page.get_by_label("Norwegian text").press("Control+Enter")
    wait_translated(page)
    assert page.locator(".pair").count() == 1


def test_summarise_shows_a_summary(page: Any, seed_text: str) -> None:
    page.get_by_label("Norwegian text").fill(seed_text)
    page.get_by_label("Summary length").select_option("short")
    page.get_by_role("button", name="Summarise").click()
    page.wait_for_selector("#summary-panel:not([hidden])", timeout=120_000)
    assert page.locator("#summary-text").inner_text().strip()
    assert "short" in page.locator("#summary-meta").inner_text()


def test_too_long_text_shows_the_limit_and_keeps_the_text(page: Any, seed_text: str) -> None:
    long_text = (seed_text + "\n\n") * 2
    assert len(long_text) > MAX_CHARS
    page.get_by_label("Norwegian text").fill(long_text)
    page.get_by_role("button", name="Translate").click()
    error = page.get_by_role("alert")
    error.wait_for(state="visible", timeout=30_000)
    assert "too long" in error.inner_text() and f"{MAX_CHARS:,}" in error.inner_text()
    assert page.get_by_label("Norwegian text").input_value() == long_text


def test_unsupported_language_and_network_errors_are_plain(page: Any, browser: Any, live_url: str) -> None:
    page.get_by_label("Norwegian text").fill("El gobierno presentó hoy el presupuesto. Conducir será más caro el año que viene.")
    page.get_by_role("button", name="Translate").click()
    error = page.get_by_role("alert")
    error.wait_for(state="visible", timeout=30_000)
    assert "Spanish" in error.inner_text()
    page.route("**/v1/translate/stream", lambda route: route.abort())
    page.get_by_label("Norwegian text").fill("Hei på deg.")
    page.get_by_role("button", name="Translate").click()
    page.wait_for_function("document.getElementById('error').textContent.includes('Could not reach')", timeout=30_000)
    assert page.get_by_label("Norwegian text").input_value() == "Hei på deg."


def test_detected_language_is_shown_with_a_one_click_override(page: Any) -> None:
    page.get_by_label("Norwegian text").fill("Regjeringen la fram budsjettet i dag. Det blir dyrere å kjøre bil.")
    page.get_by_role("button", name="Translate").click()
    page.wait_for_selector("#detected:not([hidden])", timeout=60_000)
    assert re.search(r"Detected Bokmål \(\d+% sure\)", page.locator("#detected-text").inner_text())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page-detected-language.png"))
    with page.expect_request("**/v1/translate/stream") as request:
        page.get_by_role("group", name="Not right? Translate as").get_by_role("button", name="Nynorsk").click()
    assert request.value.post_data_json["source_lang"] == "nn"
    page.wait_for_function("document.getElementById('detected-text').textContent.includes('Nynorsk (chosen)')", timeout=60_000)
    assert page.get_by_label("Source language").input_value() == "nn"


def test_refused_text_can_be_translated_as_norwegian_anyway(page: Any) -> None:
    page.get_by_label("Norwegian text").fill("Die Regierung hat heute den Haushalt vorgestellt. Autofahren wird teurer.")
    page.get_by_role("button", name="Translate").click()
    page.get_by_role("alert").wait_for(state="visible", timeout=30_000)
    assert "German" in page.get_by_role("alert").inner_text()
    assert "does not look like Norwegian" in page.locator("#detected-text").inner_text()
    page.get_by_role("group", name="Not right? Translate as").get_by_role("button", name="Bokmål").click()
    wait_translated(page)
    assert page.get_by_role("alert").is_hidden()
    assert "Translated as Bokmål (chosen)" in page.locator("#detected-text").inner_text()


def test_flagged_sentences_are_marked_with_their_reason(page: Any) -> None:
    page.get_by_label("Norwegian text").fill("Det regner i Bergen i dag. Jonas Støre besøkte Tromsø 13. februar.")
    page.get_by_role("button", name="Translate").click()
    wait_translated(page)
    flagged = page.locator(".para.target .sentence.flagged")
    assert flagged.count() >= 1  # the tiny model's gibberish does not keep names or numbers
    reason = flagged.first.get_attribute("title")
    assert reason and ("missing" in reason or "Not in the translation" in reason or "short" in reason)
    assert "flagged for a second look" in page.locator("#result-meta").inner_text()
    page.mouse.move(0, 0)  # the pointer rests on no sentence (hovering one shows that one's reason)
    flagged.first.focus()  # keyboard users get the reason too
    note = page.locator("#sentence-note")
    note.wait_for(state="visible", timeout=5_000)
    assert note.inner_text() == reason
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page-flagged-sentence.png"))


def test_narrow_screen_and_labels(browser: Any, live_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    phone = context.new_page()
    try:
        phone.goto(live_url + "/")
        for label in ("Norwegian text", "Source language", "Summary length"):
            assert phone.get_by_label(label).count() == 1
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375  # nothing forces sideways scrolling
        assert phone.get_by_role("button", name="Translate").is_visible()
    finally:
        context.close()


def test_a_file_is_translated_to_a_file_to_download(browser: Any, live_url: str, tmp_path: Path) -> None:
    from service.tools import samples

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(live_url + "/")
        page.get_by_label("Choose a file, or drop one here").set_input_files(
            files=[{"name": "nyheter.srt", "mimeType": "application/x-subrip", "buffer": samples.SUBTITLES_SRT.encode()}]
        )
        link = page.get_by_role("link", name=re.compile(r"Download nyheter\.en\.srt"))
        link.wait_for(state="visible", timeout=120_000)
        assert "Translated nyheter.srt from Bokmål" in page.locator("#file-status").inner_text()
        with page.expect_download() as download_info:
            link.click()
        download = download_info.value
        assert download.suggested_filename == "nyheter.en.srt"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        text = saved.read_text(encoding="utf-8")
        assert "00:00:06,100 --> 00:00:09,000 X1:100 X2:600 Y1:50 Y2:80" in text and "Regjeringen" not in text
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "page-file-translated.png"))

        # a broken file: the reason in plain words, and no download offered
        page.get_by_label("Choose a file, or drop one here").set_input_files(
            files=[{"name": "feil.srt", "mimeType": "application/x-subrip",
                    "buffer": samples.SUBTITLES_SRT.replace("00:00:03,600", "00:00:0x,600").encode()}]
        )
        error = page.locator("#file-error")
        error.wait_for(state="visible", timeout=60_000)
        assert error.inner_text().startswith("The file could not be translated: Cue 2")
        assert "bad timing line" in error.inner_text()
        assert page.locator("#file-download").is_hidden()
        page.get_by_label("Choose a file, or drop one here").set_input_files(
            files=[{"name": "rapport.rtf", "mimeType": "application/rtf", "buffer": b"{\\rtf1 Hei}"}]
        )
        page.wait_for_function("document.getElementById('file-error').textContent.startsWith('This kind of file')")

        # an office file, a PDF: the same box, the same kind of file back
        from pptx import Presentation

        from service.tools import office_samples

        for name, data in (("nyhet.pptx", office_samples.news_pptx()), ("nyhet.pdf", office_samples.news_pdf())):
            page.get_by_label("Choose a file, or drop one here").set_input_files(
                files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}]
            )
            english = name.replace(".", ".en.")
            link = page.get_by_role("link", name=re.compile(f"Download {re.escape(english)}"))
            link.wait_for(state="visible", timeout=120_000)
            with page.expect_download() as download_info:
                link.click()
            saved = tmp_path / download_info.value.suggested_filename
            download_info.value.save_as(saved)
            assert saved.name == english
            if name.endswith(".pptx"):
                deck = Presentation(str(saved))
                assert len(deck.slides) == 2 and deck.slides[0].shapes.title.text != "Regjeringen legger fram budsjettet"
            else:
                assert saved.read_bytes().startswith(b"%PDF-") and saved.read_bytes() != data
    finally:
        context.close()


def test_a_glossary_and_a_model_are_chosen_and_applied_terms_shown(browser: Any, live_url: str) -> None:
    import httpx

    created = httpx.put(f"{live_url}/v1/glossaries/side", json={"name": "side", "terms": [
        {"source": "Stortinget", "target": "the Storting"}], "keep": ["NAV"]})
    assert created.status_code in (200, 201)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_url + "/")
        page.wait_for_function("document.getElementById('glossary').options.length > 1")
        page.get_by_label("Glossary").select_option("side")
        page.get_by_label("Norwegian text").fill("Stortinget vedtok budsjettet. NAV får mer penger.")
        page.get_by_role("button", name="Translate").click()
        wait_translated(page)
        marked = page.locator(".para.target .sentence.has-terms")
        assert marked.count() == 2
        assert "Glossary: Stortinget → the Storting." in marked.first.get_attribute("title")
        assert "the Storting" in marked.first.inner_text()
        assert "Glossary: NAV (kept)." in marked.nth(1).get_attribute("title")
        assert "2 glossary terms applied" in page.locator("#result-meta").inner_text()
        assert page.locator("#model-control").is_hidden()  # one translator: nothing to choose
    finally:
        context.close()


@pytest.fixture(scope="module")
def two_model_url(tiny_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    state = tmp_path_factory.mktemp("two-models")
    shutil.copytree(tiny_models["translator"], state / "fast")
    choices = f"accurate={tiny_models['translator']},fast={state / 'fast'}"
    yield from serve_in_thread(load_services(tiny_settings(tiny_models, state, translators=choices)))


def test_the_page_offers_the_models_to_choose_from(browser: Any, two_model_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(two_model_url + "/")
        model = page.get_by_label("Model")
        model.wait_for(state="visible", timeout=30_000)
        assert page.locator("#model option").all_inner_texts() == ["accurate (default)", "fast"]
        model.select_option("fast")
        page.get_by_label("Norwegian text").fill("Det regner i Bergen.")
        page.get_by_role("button", name="Translate").click()
        wait_translated(page)
        assert "model fast: " in page.locator("#result-meta").inner_text()
    finally:
        context.close()


def test_the_file_box_takes_every_format_the_service_has(client: Any) -> None:
    from service.formats import EXTENSIONS

    page = client.get("/").text
    accept = re.search(r'id="file-input" type="file" accept="([^"]+)"', page)
    assert accept and sorted(accept.group(1).split(",")) == sorted(EXTENSIONS)


def test_a_sentence_corrected_on_the_page_is_used_on_the_next_translation(browser: Any, live_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_url + "/")
        page.get_by_label("Translation memory").fill("sidedesk")
        page.get_by_label("Norwegian text").fill("Regjeringen legger fram budsjettet i dag. Det regner i Bergen.")
        page.get_by_role("button", name="Translate").click()
        wait_translated(page)
        first = page.locator(".para.target .sentence").first
        machine = first.inner_text()
        second = page.locator(".para.target .sentence").nth(1)
        second.dblclick()  # the mouse way: editable, and Escape gives the machine's text back
        assert second.get_attribute("contenteditable") == "true"
        page.keyboard.press("Escape")
        assert second.get_attribute("contenteditable") == "false"
        first.focus()  # the keyboard way: F2
        page.keyboard.press("F2")
        assert first.get_attribute("contenteditable") == "true"
        page.keyboard.type("The government presents the budget today.")  # the sentence is selected: typing replaces it
        page.keyboard.press("Enter")

        page.wait_for_function("document.getElementById('memory-status').textContent !== ''")
        assert page.locator("#memory-status").inner_text().startswith("Saved to the translation memory “sidedesk”")
        assert machine != "The government presents the budget today."
        page.get_by_role("button", name="Translate").click()
        page.wait_for_function(  # a new rendering: the server's segment, not the span edited on the page
            "(() => { const s = document.querySelector('.para.target .sentence'); "
            "return s && !s.classList.contains('corrected') && s.textContent === 'The government presents the budget today.'; })()",
            timeout=60_000,
        )
        remembered = page.locator(".para.target .sentence").first
        assert "from-memory" in (remembered.get_attribute("class") or "")
        assert "From the translation memory" in (remembered.get_attribute("title") or "")
        # a near sentence: the memory's entry is offered as a suggestion
        page.get_by_label("Norwegian text").fill("Regjeringen legger fram statsbudsjettet i dag.")
        page.get_by_role("button", name="Translate").click()
        page.wait_for_selector(".para.target .sentence.has-suggestions", timeout=60_000)
        title = page.locator(".para.target .sentence").first.get_attribute("title") or ""
        assert "near match" in title and "The government presents the budget today." in title
    finally:
        context.close()


def test_the_direction_switch_goes_from_english_into_nynorsk_and_swaps_back(page: Any) -> None:
    english = "Three people lost their jobs in Oslo on Monday. The weather was cold."
    page.get_by_label("Direction").select_option("nn")
    page.get_by_label("English text").fill(english)
    page.get_by_role("button", name="Translate").click()
    wait_translated(page)
    assert page.locator("#target-column").inner_text() == "Nynorsk"
    assert page.locator("#source-column").inner_text() == "English"
    assert page.locator(".pair .para.target .sentence").count() == 2
    assert "English" in page.locator("#detected-text").inner_text()
    translated = page.evaluate("document.querySelector('.pair .para.target').textContent")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page-english-to-nynorsk.png"))
    # Swap: the direction turns round and the translation becomes the text to translate.
    page.locator("#swap-button").click()
    assert page.get_by_label("Direction").input_value() == "en"
    assert page.get_by_label("Norwegian text").input_value() == translated.strip() or translated.strip() in page.get_by_label(
        "Norwegian text"
    ).input_value()
    page.locator("#swap-button").click()
    assert page.get_by_label("Direction").input_value() == "nn"  # back to the Norwegian form last used
    # Summaries follow the direction too.
    page.get_by_label("English text").fill(english)
    page.get_by_role("button", name="Summarise").click()
    page.wait_for_function("document.getElementById('status').textContent === 'Summarised.'", timeout=120_000)
    assert "summary in Nynorsk" in page.locator("#summary-meta").inner_text()


def test_bokmal_goes_into_nynorsk_and_swaps_back_to_bokmal(page: Any) -> None:
    page.get_by_label("Direction").select_option("nb-nn")
    page.get_by_label("Bokmål text").fill("Jeg vet ikke hva han vil. Vi skal hjelpe ham i morgen.")
    page.get_by_role("button", name="Translate").click()
    wait_translated(page)
    assert page.locator("#source-column").inner_text() == "Bokmål"
    assert page.locator("#target-column").inner_text() == "Nynorsk"
    translated = page.evaluate("document.querySelector('.pair .para.target').textContent")
    assert "ikkje" in translated and "kva" in translated
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "page-bokmal-to-nynorsk.png"))
    page.locator("#swap-button").click()
    assert page.get_by_label("Direction").input_value() == "nn-nb"
    assert "ikkje" in page.get_by_label("Nynorsk text").input_value()
    page.get_by_role("button", name="Translate").click()
    wait_translated(page)
    assert "ikke" in page.evaluate("document.querySelector('.pair .para.target').textContent")


def test_english_into_nynorsk_offers_the_route_and_sends_the_one_chosen(page: Any) -> None:
    route = page.get_by_label("Into Nynorsk")
    assert not route.is_visible()  # Norwegian → English: no route to choose
    page.get_by_label("Direction").select_option("nn")
    assert route.is_visible()
    assert route.locator("option").first.inner_text() == "The server's route (by way of Bokmål)"
    route.select_option("direct")
    page.get_by_label("English text").fill("The weather was cold in Oslo on Monday.")
    with page.expect_request(lambda r: r.url.endswith("/v1/translate/stream") and r.method == "POST") as sent:
        page.get_by_role("button", name="Translate").click()
    body = json.loads(sent.value.post_data)
    assert body["target_lang"] == "nn" and body["nynorsk_route"] == "direct"
    wait_translated(page)
    page.get_by_label("Direction").select_option("nb")
    assert not route.is_visible()


def test_a_file_goes_into_bokmal_when_the_direction_says_so(browser: Any, live_url: str, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(live_url + "/")
        page.get_by_label("Direction").select_option("nb")
        html = b'<html lang="en"><body><h1>The news</h1><p>Three people lost their jobs in Oslo.</p></body></html>'
        page.get_by_label("Choose a file, or drop one here").set_input_files(
            files=[{"name": "story.html", "mimeType": "text/html", "buffer": html}]
        )
        link = page.get_by_role("link", name=re.compile(r"Download story\.nb\.html"))
        link.wait_for(state="visible", timeout=120_000)
        assert "from English into Bokmål" in page.locator("#file-status").inner_text()
        with page.expect_download() as download_info:
            link.click()
        saved = tmp_path / download_info.value.suggested_filename
        download_info.value.save_as(saved)
        assert saved.name == "story.nb.html" and '<html lang="nb">' in saved.read_text(encoding="utf-8")
    finally:
        context.close()


def test_the_api_docs_work_with_every_outside_request_blocked(browser: Any, live_url: str) -> None:
    """oversett is self-hosted and offline-first: /docs (Swagger UI) loads its scripts and styles
    from the service itself, so it lists the operations with the network beyond 127.0.0.1 cut off."""
    context = browser.new_context()
    outside: list[str] = []

    def only_local(route: Any) -> None:
        url = route.request.url
        if url.startswith(live_url) or url.startswith("data:"):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", only_local)
    docs = context.new_page()
    docs.goto(live_url + "/docs")
    docs.wait_for_selector(".opblock", timeout=60_000)
    operations = docs.locator(".opblock-summary-path").all_inner_texts()
    assert "/v1/translate" in [o.strip() for o in operations] and len(operations) > 20
    assert outside == []
    context.close()


def test_the_page_shows_nothing_left_over_from_an_earlier_text_or_direction(page: Any, seed_text: str) -> None:
    """What is on screen answers the text and direction on screen: a new direction, a swap, a
    refusal or a new text clears the old translation, summary and detected language."""
    norwegian = "\n\n".join(seed_text.split("\n\n")[:3])
    page.get_by_label("Norwegian text").fill(norwegian)
    page.get_by_role("button", name="Translate").click()
    wait_translated(page)
    page.get_by_role("button", name="Summarise").click()
    page.wait_for_function("document.getElementById('status').textContent === 'Summarised.'", timeout=120_000)
    assert page.locator("#summary-panel").is_visible() and page.locator("#result").is_visible()

    # Another direction: the Norwegian text's translation and summary go.
    page.get_by_label("Direction").select_option("nn")
    assert not page.locator("#summary-panel").is_visible() and not page.locator("#result").is_visible()
    assert not page.locator("#detected").is_visible()

    # English in: detected as English, and no "Translate as" offer that would end with nothing.
    page.get_by_label("English text").fill("It rained in Bergen on Monday.")
    page.get_by_role("button", name="Translate").click()
    wait_translated(page)
    assert "English" in page.locator("#detected-text").inner_text()
    assert not page.locator("#detected .override").is_visible()
    assert "of 1 sentence from the cache" in page.locator("#result-meta").inner_text()  # not "1 sentences"

    # Swap: the box now holds the Nynorsk; "Detected English" is gone with the rest.
    page.locator("#swap-button").click()
    assert page.get_by_label("Direction").input_value() == "en"
    assert not page.locator("#detected").is_visible() and not page.locator("#result").is_visible()

    # A refusal: the error, and nothing of the earlier translation or summary under it.
    page.get_by_label("Norwegian text").fill(norwegian)
    page.get_by_role("button", name="Translate").click()
    wait_translated(page)
    page.get_by_role("button", name="Summarise").click()
    page.wait_for_function("document.getElementById('status').textContent === 'Summarised.'", timeout=120_000)
    page.get_by_label("Norwegian text").fill(
        "Die Bundesregierung hat heute den Haushalt vorgestellt. Autofahren wird im nächsten Jahr teurer."
    )
    page.get_by_role("button", name="Translate").click()
    page.locator("#error").wait_for(state="visible", timeout=60_000)
    assert "German" in page.locator("#error").inner_text()
    assert not page.locator("#result").is_visible() and not page.locator("#summary-panel").is_visible()
    assert page.get_by_label("Norwegian text").input_value().startswith("Die Bundesregierung")  # the text stays


def test_flagged_sentences_are_marked_in_a_word_file_as_comments(browser: Any, live_url: str, tmp_path: Path) -> None:
    """The tiny model's gibberish is flagged by the checks: with the box ticked (the default)
    the downloaded .docx has a Word comment with the reason on each flagged paragraph, and the
    page says so instead of pointing to a review the file does not hold."""
    import io

    import docx

    from service.tools import samples

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(live_url + "/")
        page.get_by_label("Choose a file, or drop one here").set_input_files(
            files=[{"name": "nyhet.docx", "mimeType": "application/octet-stream", "buffer": samples.news_docx(paragraphs=2)}]
        )
        link = page.get_by_role("link", name=re.compile(r"Download nyhet\.en\.docx"))
        link.wait_for(timeout=120_000)
        status = page.locator("#file-status").inner_text()
        assert "flagged by the checks" in status and "marked in the file as Word comments" in status
        with page.expect_download() as download:
            link.click()
        saved = tmp_path / "nyhet.en.docx"
        download.value.save_as(saved)
        comments = list(docx.Document(io.BytesIO(saved.read_bytes())).comments)
        assert comments and all(c.author == "oversett" and "oversett flagged «" in c.text for c in comments)
    finally:
        context.close()
