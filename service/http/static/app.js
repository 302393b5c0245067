"use strict";
// oversett page: translate or summarise what is pasted; source and English side by side.
// All text is put in the page with textContent, never as HTML.

(function () {
  const $ = (id) => document.getElementById(id);
  const form = $("input-form");
  const textarea = $("source-text");
  const sourceLang = $("source-lang");
  const lengthSelect = $("summary-length");
  const translateButton = $("translate-button");
  const summarizeButton = $("summarize-button");
  const apiKey = $("api-key");
  const statusBox = $("status");
  const errorBox = $("error");
  const result = $("result");
  const resultMeta = $("result-meta");
  const pairs = $("pairs");
  const copyButton = $("copy-button");
  const summaryPanel = $("summary-panel");
  const summaryText = $("summary-text");
  const summaryMeta = $("summary-meta");
  const charCount = $("char-count");
  const detectedBox = $("detected");
  const detectedText = $("detected-text");
  const sentenceNote = $("sentence-note");
  const glossarySelect = $("glossary");
  const memoryInput = $("memory");
  const memoryList = $("memory-list");
  const memoryStatus = $("memory-status");
  let knownMemories = new Set();
  const modelSelect = $("model");
  const modelControl = $("model-control");
  const routeControl = $("route-control");
  const routeSelect = $("nynorsk-route");

  const LANGUAGES = { nb: "Bokmål", nn: "Nynorsk", no: "Norwegian", da: "Danish", sv: "Swedish", en: "English", zxx: "no language (no letters)" };
  const PARAGRAPH_BREAK = /(?:\r\n|\r|\n)[ \t\u00a0]*(?:\r\n|\r|\n)\s*/;
  let english = "";

  apiKey.value = sessionStorage.getItem("oversett-api-key") || "";
  apiKey.addEventListener("change", () => {
    sessionStorage.setItem("oversett-api-key", apiKey.value);
    loadChoices();
  });

  // The stored glossaries and the translators a request may choose.
  // The direction: Norwegian → English (target en), or English → Bokmål / Nynorsk (nb / nn).
  const direction = $("direction");
  const swapButton = $("swap-button");
  const TARGETS = { en: "English", nb: "Bokmål", nn: "Nynorsk" };
  let translators = [];
  let lastNorwegian = "nb";
  let lastResult = "";
  let outputsFor = "";  // the text (and direction) what is on screen was made from
  // "nb-nn" / "nn-nb": Bokmål ↔ Nynorsk (Apertium); otherwise the value is the target.
  function target() {
    return direction.value.includes("-") ? direction.value.split("-")[1] : direction.value;
  }
  function standardSource() {
    return direction.value.includes("-") ? direction.value.split("-")[0] : null;
  }
  function sourceOf() {
    return standardSource() || sourceLang.value;
  }
  function plural(count, word) {
    return `${count} ${word}${count === 1 ? "" : "s"}`;
  }
  // What was shown belongs to the text and direction it came from: gone when either changes,
  // and after a refusal, so nothing on screen answers a question that was not asked.
  function clearOutputs() {
    outputsFor = "";
    result.hidden = true;
    pairs.replaceChildren();
    resultMeta.textContent = "";
    summaryPanel.hidden = true;
    summaryText.textContent = "";
    summaryMeta.textContent = "";
    detectedBox.hidden = true;
    detectedText.textContent = "";
    english = "";
  }
  const targetLanguage = target;
  function applyDirection() {
    const between = standardSource();
    const fromEnglish = !between && target() !== "en";
    if (fromEnglish) lastNorwegian = target();
    $("source-label").textContent = between ? `${TARGETS[between]} text` : fromEnglish ? "English text" : "Norwegian text";
    textarea.placeholder = between === "nn" ? "Lim inn ein tekst på nynorsk her …" : between ? "Lim inn en tekst på bokmål her …"
      : fromEnglish ? "Paste English text here …" : "Lim inn en norsk tekst her …";
    $("source-column").textContent = between ? TARGETS[between] : fromEnglish ? "English" : "Norwegian";
    $("target-column").textContent = TARGETS[target()];
    for (const option of sourceLang.options) {
      option.disabled = between ? option.value !== between : fromEnglish && !["auto", "en"].includes(option.value);
    }
    if (between) sourceLang.value = between;
    if (sourceLang.selectedOptions[0].disabled) sourceLang.value = "auto";
    // English is never sent as another language: the override is for Norwegian text only
    detectedBox.querySelector(".override").hidden = fromEnglish;
    // English → Nynorsk goes by way of Bokmål (and Apertium) or straight from the model
    routeControl.hidden = !(fromEnglish && target() === "nn");
    showModels();
  }
  // The server's route into Nynorsk is named; the Bokmål route needs Apertium.
  function showRoute(standards) {
    if (!standards) return;
    const name = standards.english_to_nynorsk === "bokmal" ? "by way of Bokmål" : "direct";
    routeSelect.options[0].textContent = `The server's route (${name})`;
    routeSelect.options[1].disabled = !standards.available;
    $("route-hint").textContent = standards.available ? ""
      : "The Bokmål route needs Apertium, which this server does not have.";
  }
  // Only the translators that serve the direction are offered.
  function showModels() {
    const serving = translators.filter((t) => (t.pairs || []).some((pair) => pair.endsWith(`-${target()}`)));
    modelSelect.replaceChildren(...serving.map((t) => new Option(t.default ? `${t.name} (default)` : t.name, t.name)));
    modelControl.hidden = serving.length < 2;
  }
  routeSelect.addEventListener("change", clearOutputs);  // another route is another translation
  direction.addEventListener("change", () => {
    clearOutputs();
    applyDirection();
  });
  swapButton.addEventListener("click", () => {
    const between = standardSource();
    direction.value = between ? `${target()}-${between}` : target() === "en" ? lastNorwegian : "en";
    if (lastResult) textarea.value = lastResult;
    lastResult = "";
    clearOutputs();
    textarea.dispatchEvent(new Event("input"));
    applyDirection();
    textarea.focus();
  });

  async function loadChoices() {
    const headers = apiKey.value ? { Authorization: `Bearer ${apiKey.value}` } : {};
    try {
      const glossaries = await fetch("/v1/glossaries", { headers });
      if (glossaries.ok) {
        const chosen = glossarySelect.value;
        glossarySelect.replaceChildren(new Option("None", ""));
        for (const glossary of (await glossaries.json()).glossaries) {
          glossarySelect.add(new Option(`${glossary.name} (${glossary.terms + glossary.keep} terms)`, glossary.name));
        }
        glossarySelect.value = chosen;
      }
      const memories = await fetch("/v1/memories", { headers });
      if (memories.ok) {
        const listed = (await memories.json()).memories;
        knownMemories = new Set(listed.map((m) => m.name));
        memoryList.replaceChildren(...listed.map((m) => new Option(`${m.entries} entries`, m.name)));
      }
      const models = await fetch("/v1/models", { headers });
      if (models.ok) {
        const served = await models.json();
        translators = served.translators || [];
        showModels();
        showRoute(served.standards);
      }
    } catch (unreachable) {
      // the choices stay as they are; a translation attempt will say what is wrong
    }
  }
  loadChoices();

  function routeChoice() {
    return !routeControl.hidden && routeSelect.value ? { nynorsk_route: routeSelect.value } : {};
  }
  function choices() {
    const chosen = {};
    if (glossarySelect.value) chosen.glossary = glossarySelect.value;
    // a memory is made by its first correction: until then there is nothing to use
    if (knownMemories.has(memoryInput.value.trim())) chosen.memory = memoryInput.value.trim();
    if (!modelControl.hidden && modelSelect.value) chosen.model = modelSelect.value;
    Object.assign(chosen, routeChoice());
    return chosen;
  }

  textarea.addEventListener("input", () => {
    charCount.textContent = `${textarea.value.length.toLocaleString("en")} characters`;
  });
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      translate();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    translate();
  });
  summarizeButton.addEventListener("click", summarize);
  // One click to translate again as another language when detection got it wrong.
  for (const button of detectedBox.querySelectorAll("button[data-lang]")) {
    button.addEventListener("click", () => {
      sourceLang.value = button.dataset.lang;
      translate();
    });
  }
  copyButton.addEventListener("click", copyEnglish);

  function busy(on, message) {
    translateButton.disabled = on;
    summarizeButton.disabled = on;
    form.setAttribute("aria-busy", on ? "true" : "false");
    statusBox.textContent = message || "";
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function clearError() {
    errorBox.hidden = true;
    errorBox.textContent = "";
  }

  // Send a request and return the response when it is OK; throw with a plain message otherwise
  // (``what`` says whose words to use: the pasted text's or an uploaded file's).
  async function send(path, init, what) {
    const headers = init.headers || {};
    if (apiKey.value) headers["Authorization"] = `Bearer ${apiKey.value}`;
    let response;
    try {
      response = await fetch(path, { ...init, headers });
    } catch (networkError) {
      throw new Error(what === "file"
        ? "Could not reach the oversett service. Check the connection and try the file again."
        : "Could not reach the oversett service. Check the connection and try again; your text is still here.");
    }
    if (!response.ok) {
      let payload = null;
      try {
        payload = await response.json();
      } catch (notJson) {
        payload = null;
      }
      const failure = new Error(explain(response, payload, what));
      failure.code = payload && payload.code;
      throw failure;
    }
    return response;
  }

  async function postRaw(path, body) {
    return send(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  }

  async function* ndjsonLines(response) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
      let newline;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line) yield JSON.parse(line);
      }
      if (done) break;
    }
    if (buffer.trim()) yield JSON.parse(buffer);
  }

  async function post(path, body) {
    const response = await postRaw(path, body);
    return response.json();
  }

  function explain(response, payload, what) {
    const detail = payload && typeof payload.detail === "string" ? payload.detail : "";
    if (what === "file") {
      switch (response.status) {
        case 413:
          return `The file is too large. ${detail}`;
        case 415:
          return `This kind of file cannot be translated. ${detail}`;
        case 422:
          return `The file could not be translated: ${detail}`;
      }
    }
    switch (response.status) {
      case 401:
        document.querySelector(".api-key").open = true;
        return "This service needs an API key. Enter it under “API key” and try again.";
      case 413:
        return `The text is too long. ${detail}`;
      case 422:
        return detail ? `The text could not be translated: ${detail.replace(/^Invalid request: /, "")}` : "The request was not accepted.";
      case 429:
        return `Too many requests. Try again in ${response.headers.get("Retry-After") || "a few"} seconds.`;
      case 503:
        return `The service cannot translate right now. ${detail}`;
      case 504:
        return `The translation took too long. ${detail}`;
      default:
        return `Something went wrong on the server (${response.status}). ${detail}`;
    }
  }

  function readInput() {
    const text = textarea.value;
    if (!text.trim()) {
      showError(target() === "en" ? "Paste some Norwegian text first." : "Paste some English text first.");
      textarea.focus();
      return null;
    }
    return text;
  }

  // Translate through the streaming route: each sentence appears as soon as it is done.
  async function translate() {
    const text = readInput();
    if (text === null) return;
    clearError();
    if (outputsFor !== `${direction.value}:${text}`) clearOutputs();
    outputsFor = `${direction.value}:${text}`;
    busy(true, "Translating …");
    const started = performance.now();
    try {
      const response = await postRaw("/v1/translate/stream", {
        text, source_lang: sourceOf(), target_lang: target(), ...choices(),
      });
      const done = [];
      let finished = false;
      for await (const line of ndjsonLines(response)) {
        if (line.type === "segment") {
          done.push(line.segment);
          renderPartial(text, done);
          statusBox.textContent = `Translating … ${plural(done.length, "sentence")} done`;
        } else if (line.type === "document") {
          const seconds = (performance.now() - started) / 1000;
          render(text, { translations: [line.translation], model: line.model }, seconds);
          lastResult = line.translation.text;
          showDetected(line.translation);
          finished = true;
        } else if (line.type === "error") {
          throw new Error(`The translation stopped: ${line.detail} The sentences above are done.`);
        }
      }
      if (!finished) throw new Error("The translation stopped before it was complete. Try again; your text is still here.");
      busy(false, "Translated.");
    } catch (error) {
      busy(false, "");
      clearOutputs();
      showError(error.message);
      if (error.code === "unsupported_language") {
        detectedText.textContent = target() === "en"
          ? "Not translated: it does not look like Norwegian."
          : "Not translated: it does not look like English.";
        detectedBox.hidden = false;
      }
    }
  }

  // What language id took the text to be (or the language chosen), beside the source.
  function showDetected(translation) {
    const name = LANGUAGES[translation.source_lang] || translation.source_lang;
    const detected = translation.detected;
    if (!detected) {
      detectedText.textContent = `Translated as ${name} (chosen).`;
    } else if (translation.translated === false) {
      detectedText.textContent = `Detected ${name}: ${translation.note || "returned as it is."}`;
    } else {
      detectedText.textContent = `Detected ${name} (${Math.round(detected.confidence * 100)}% sure).`;
    }
    detectedBox.hidden = false;
  }

  async function summarize() {
    const text = readInput();
    if (text === null) return;
    clearError();
    if (outputsFor !== `${direction.value}:${text}`) clearOutputs();
    outputsFor = `${direction.value}:${text}`;
    busy(true, "Summarising …");
    const started = performance.now();
    try {
      const body = await post("/v1/summarize", {
        text, length: lengthSelect.value, source_lang: sourceOf(), target_lang: target(), ...routeChoice(),
      });
      const seconds = (performance.now() - started) / 1000;
      summaryText.textContent = body.summary;
      summaryMeta.textContent =
        `${body.method} summary in ${TARGETS[body.target_lang] || body.target_lang}, ${body.length}; ` +
        `source ${LANGUAGES[body.source_lang] || body.source_lang}; ` +
        `${plural(body.sentences_translated, "sentence")} translated; ${body.cached ? "from the cache; " : ""}${seconds.toFixed(1)} s`;
      summaryPanel.hidden = false;
      busy(false, "Summarised.");
    } catch (error) {
      busy(false, "");
      clearOutputs();
      showError(error.message);
    }
  }

  // Put each segment's source and translation in spans, paragraph by paragraph, in order.
  function spans(paragraph, segments, start, key) {
    const pieces = [];
    let position = 0;
    let index = start;
    while (index < segments.length) {
      const needle = segments[index][key];
      const at = needle ? paragraph.indexOf(needle, position) : -1;
      if (at < 0) break;
      if (at > position) pieces.push({ text: paragraph.slice(position, at) });
      pieces.push({ text: needle, segment: index });
      position = at + needle.length;
      index += 1;
    }
    if (position < paragraph.length) pieces.push({ text: paragraph.slice(position) });
    return { pieces, next: index };
  }

  const UNSURE_BELOW = 0.4; // confidence under this marks a sentence as unsure

  // Why a translated sentence deserves a second look, in plain words ("" when it does not).
  function concern(segment) {
    const reasons = (segment.issues || []).map((issue) => issue.message);
    if (segment.confidence !== null && segment.confidence !== undefined && segment.confidence < UNSURE_BELOW) {
      reasons.push(`The model was unsure of this sentence (confidence ${Math.round(segment.confidence * 100)}%).`);
    }
    return reasons.join(" ");
  }

  // Where the glossary was applied in a translated sentence ("" when it was not).
  function termNote(segment) {
    const terms = segment.terms || [];
    if (!terms.length) return "";
    return `Glossary: ${terms.map((t) => (t.source === t.target ? `${t.source} (kept)` : `${t.source} → ${t.target}`)).join("; ")}.`;
  }

  // Where the translation memory came in ("" when it did not).
  function memoryNote(segment) {
    if (segment.origin === "memory") return "From the translation memory (a person's translation).";
    if (segment.origin === "memory-adapted") return "From the translation memory, with its numbers or links changed to this sentence's.";
    const near = (segment.suggestions || [])[0];
    return near ? `The translation memory has a near match (${Math.round(near.score)}%): “${near.source}” → “${near.target}”.` : "";
  }

  function paragraphElement(pieces, side, segments) {
    const element = document.createElement("p");
    element.className = `para ${side}`;
    for (const piece of pieces) {
      if (piece.segment === undefined) {
        element.appendChild(document.createTextNode(piece.text));
        continue;
      }
      const span = document.createElement("span");
      span.className = "sentence";
      span.tabIndex = 0;
      span.dataset.segment = String(piece.segment);
      span.textContent = piece.text;
      const reason = side === "target" ? concern(segments[piece.segment]) : "";
      const terms = side === "target" ? termNote(segments[piece.segment]) : "";
      if (reason) {
        const segment = segments[piece.segment];
        span.classList.add(segment.issues && segment.issues.length ? "flagged" : "unsure");
      }
      if (terms) span.classList.add("has-terms");
      const remembered = side === "target" ? memoryNote(segments[piece.segment]) : "";
      if (remembered) span.classList.add(segments[piece.segment].origin.startsWith("memory") ? "from-memory" : "has-suggestions");
      if (side === "target") span.dataset.source = segments[piece.segment].source;
      if (reason || terms || remembered) {
        span.title = [remembered, terms, reason].filter(Boolean).join(" ");
        span.dataset.reason = span.title;
      }
      element.appendChild(span);
    }
    return element;
  }

  // While the stream runs: the source as it will stand, and the English of the sentences done.
  function renderPartial(source, done) {
    const sourceParagraphs = source.split(PARAGRAPH_BREAK);
    pairs.replaceChildren();
    let next = 0;
    for (const paragraph of sourceParagraphs) {
      if (!paragraph.trim() || next >= done.length) continue;
      const first = next;
      const left = spans(paragraph, done, first, "source");
      next = left.next;
      const row = document.createElement("div");
      row.className = "pair";
      row.appendChild(paragraphElement(left.pieces, "source", done));
      const target = document.createElement("p");
      target.className = "para target pending";
      target.lang = targetLanguage();
      target.textContent = done.slice(first, next).map((s) => s.translation).join(" ");
      row.appendChild(target);
      pairs.appendChild(row);
    }
    resultMeta.textContent = `${plural(done.length, "sentence")} translated so far …`;
    result.hidden = false;
  }

  function render(source, body, seconds) {
    const translation = body.translations[0];
    const segments = translation.segments;
    english = translation.text;
    const sourceParagraphs = source.split(PARAGRAPH_BREAK);
    const englishParagraphs = english.split(PARAGRAPH_BREAK);
    pairs.replaceChildren();
    let sourceNext = 0;
    for (let i = 0; i < sourceParagraphs.length; i += 1) {
      if (!sourceParagraphs[i].trim()) continue;
      const first = sourceNext;
      const left = spans(sourceParagraphs[i], segments, first, "source");
      sourceNext = left.next;
      const right = spans(englishParagraphs[i] || "", segments.slice(0, sourceNext), first, "translation");
      const row = document.createElement("div");
      row.className = "pair";
      row.appendChild(paragraphElement(left.pieces, "source", segments));
      const target = paragraphElement(right.pieces, "target", segments);
      target.lang = targetLanguage();
      row.appendChild(target);
      pairs.appendChild(row);
    }
    const cached = segments.filter((s) => s.cached).length;
    const flagged = translation.issues || 0;
    const terms = segments.reduce((sum, s) => sum + (s.terms || []).length, 0);
    const named = body.model.name && body.model.name !== "default" ? `${body.model.name}: ` : "";
    resultMeta.textContent =
      `Source language: ${LANGUAGES[translation.source_lang] || translation.source_lang} · ` +
      `model ${named}${body.model.id} (${body.model.backend}) · ${cached} of ${plural(segments.length, "sentence")} from the cache · ` +
      `${terms ? `${terms} glossary terms applied (underlined) · ` : ""}` +
      `${flagged ? `${flagged} flagged for a second look (marked; hover or focus for why) · ` : ""}` +
      `${seconds.toFixed(1)} s`;
    sentenceNote.hidden = true;
    result.hidden = false;
  }

  function highlight(event, on) {
    const span = event.target.closest(".sentence");
    if (!span) return;
    if (span.dataset.reason) {
      sentenceNote.textContent = on ? span.dataset.reason : "";
      sentenceNote.hidden = !on;
    }
    for (const match of pairs.querySelectorAll(`.sentence[data-segment="${span.dataset.segment}"]`)) {
      match.classList.toggle("highlight", on);
    }
  }
  // Correcting a translated sentence in place: the correction goes to the translation memory.
  function startEditing(span) {
    if (!span || !span.closest(".para.target") || span.isContentEditable) return;
    span.dataset.before = span.textContent;
    span.contentEditable = "true";
    span.focus();
    const range = document.createRange(); // the whole sentence selected: type to replace it, or move to edit it
    range.selectNodeContents(span);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
  }
  async function saveCorrection(span) {
    span.contentEditable = "false";
    const target = span.textContent.trim();
    if (!target || target === span.dataset.before) return;
    const name = memoryInput.value.trim();
    if (!name) {
      memoryStatus.textContent = "Name a translation memory above to keep this correction (it is made with its first correction).";
      return;
    }
    const headers = { "Content-Type": "application/json" };
    if (apiKey.value) headers.Authorization = `Bearer ${apiKey.value}`;
    const response = await fetch(`/v1/memories/${encodeURIComponent(name)}/entries`, {
      method: "POST", headers, body: JSON.stringify({ entries: [{
        source: span.dataset.source, target,
        ...(targetLanguage() === "en" ? {} : { source_lang: standardSource() || "en", target_lang: targetLanguage() }),
      }] }),
    });
    if (response.ok) {
      span.classList.add("from-memory", "corrected");
      memoryStatus.textContent = `Saved to the translation memory “${name}”: the next translation of this sentence uses it.`;
      loadChoices();
    } else {
      const body = await response.json().catch(() => ({}));
      memoryStatus.textContent = `The correction was not saved: ${body.detail || response.statusText}`;
      span.textContent = span.dataset.before;
    }
  }
  pairs.addEventListener("dblclick", (event) => startEditing(event.target.closest(".sentence")));
  pairs.addEventListener("keydown", (event) => {
    const span = event.target.closest(".sentence");
    if (!span) return;
    if (event.key === "F2") startEditing(span);
    if (event.key === "Enter" && span.isContentEditable) {
      event.preventDefault();
      span.blur();
    }
    if (event.key === "Escape" && span.isContentEditable) {
      span.textContent = span.dataset.before;
      span.blur();
    }
  });
  pairs.addEventListener("focusout", (event) => {
    const span = event.target.closest(".sentence");
    if (span && span.isContentEditable) saveCorrection(span);
  });
  pairs.addEventListener("mouseover", (event) => highlight(event, true));
  pairs.addEventListener("mouseout", (event) => highlight(event, false));
  pairs.addEventListener("focusin", (event) => highlight(event, true));
  pairs.addEventListener("focusout", (event) => highlight(event, false));

  // --- a whole file: the same kind of file back, in English ---------------------------------
  const fileInput = $("file-input");
  const dropZone = $("drop-zone");
  const fileStatus = $("file-status");
  const fileError = $("file-error");
  const fileDownload = $("file-download");
  let downloadUrl = null;

  fileInput.addEventListener("change", () => {
    if (fileInput.files.length) translateFile(fileInput.files[0]);
  });
  dropZone.addEventListener("dragover", (event) => {
    event.preventDefault();
    dropZone.classList.add("dragging");
  });
  dropZone.addEventListener("dragleave", () => dropZone.classList.remove("dragging"));
  dropZone.addEventListener("drop", (event) => {
    event.preventDefault();
    dropZone.classList.remove("dragging");
    if (event.dataTransfer.files.length) translateFile(event.dataTransfer.files[0]);
  });

  function downloadName(response, fallback) {
    const header = response.headers.get("Content-Disposition") || "";
    const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(header);
    if (utf8) return decodeURIComponent(utf8[1]);
    const plain = /filename="([^"]+)"/i.exec(header);
    return plain ? plain[1] : fallback;
  }

  async function translateFile(file) {
    fileError.hidden = true;
    fileDownload.hidden = true;
    if (downloadUrl) URL.revokeObjectURL(downloadUrl);
    fileStatus.textContent = `Translating ${file.name}…`;
    const body = new FormData();
    body.append("file", file, file.name);
    body.append("source_lang", sourceOf());
    body.append("target_lang", target());
    body.append("mark_flagged", $("mark-flagged").checked ? "true" : "false");
    for (const [name, value] of Object.entries(choices())) body.append(name, value);
    let response;
    try {
      response = await send("/v1/translate/document", { method: "POST", body }, "file");
    } catch (error) {
      fileStatus.textContent = "";
      fileError.textContent = error.message;
      fileError.hidden = false;
      return;
    }
    const blob = await response.blob();
    const name = downloadName(response, `${file.name}.${target()}`);
    downloadUrl = URL.createObjectURL(blob);
    fileDownload.href = downloadUrl;
    fileDownload.download = name;
    fileDownload.textContent = `Download ${name}`;
    fileDownload.hidden = false;
    const lang = response.headers.get("X-Oversett-Source-Lang");
    const flagged = Number(response.headers.get("X-Oversett-Flagged-Segments") || 0);
    const marked = Number(response.headers.get("X-Oversett-Marked-Segments") || 0);
    const sentences = Number(response.headers.get("X-Oversett-Segments") || 0);
    fileStatus.textContent = `Translated ${file.name} from ${LANGUAGES[lang] || lang} into ${TARGETS[target()]}: `
      + plural(sentences, "sentence") + (flagged ? `, ${flagged} flagged by the checks` : "") + "."
      + (flagged ? " " + flagReview(flagged, marked, response.headers.get("X-Oversett-Format")) : "");
  }

  function flagReview(flagged, marked, format) {
    if (marked) {
      const how = format === "docx" ? "as Word comments" : "highlighted, with the reason shown on hover";
      return `They are marked in the file ${how}.`;
    }
    if ($("mark-flagged").checked) {
      return `A .${format} file cannot carry marks: paste its text in the box above to see each flagged sentence and why.`;
    }
    return "Tick “Mark the sentences the checks flag” to have them marked in the file.";
  }

  async function copyEnglish() {
    try {
      await navigator.clipboard.writeText(english);
      statusBox.textContent = "Translation copied.";
    } catch (denied) {
      const scratch = document.createElement("textarea");
      scratch.value = english;
      document.body.appendChild(scratch);
      scratch.select();
      const copied = document.execCommand("copy");
      scratch.remove();
      statusBox.textContent = copied ? "Translation copied." : "Copying was not allowed; select the translation and copy it by hand.";
    }
  }
})();
