"""Translation memories through the API with the tiny model: a correction is used for the next
request (before the cache, the model never sees it), numbers are swapped into a near entry, near
matches come as suggestions; writing needs a writing key; TMX in and out, conflicts reported;
a document goes out as XLIFF, comes back post-edited, and its corrections appear in the document
when it is translated again."""

from __future__ import annotations

import io
import re
from typing import Any

from service.tools import samples

SENTENCE = "Regjeringen legger fram statsbudsjettet i dag."


def translate(client: Any, text: str, **extra: Any) -> dict[str, Any]:
    response = client.post("/v1/translate", json={"text": text, "source_lang": "nb", **extra})
    assert response.status_code == 200, response.text
    return response.json()["translations"][0]  # type: ignore[no-any-return]


def test_a_correction_replaces_the_model_for_that_sentence_and_comes_before_the_cache(client: Any, services: Any) -> None:
    first = translate(client, SENTENCE)
    again = translate(client, SENTENCE)
    assert again["segments"][0]["origin"] == "cache" and first["segments"][0]["origin"] == "model"
    saved = client.post("/v1/memories/desk/entries", json={"entries": [
        {"source": SENTENCE, "target": "The government presents the budget today."}]})
    assert saved.status_code == 200 and saved.json() == {"name": "desk", "added": 1, "updated": 0, "unchanged": 0, "kept": 0}
    calls: list[list[str]] = []
    backend = services.pipeline.translator
    original = backend.translate_scored
    backend.translate_scored = lambda sentences, decoding: calls.append(list(sentences)) or original(sentences, decoding)
    try:
        used = translate(client, f"{SENTENCE} Det regner.", memory="desk")
    finally:
        backend.translate_scored = original
    assert used["segments"][0] == {**used["segments"][0], "origin": "memory", "translation": "The government presents the budget today."}
    assert used["text"].startswith("The government presents the budget today.")
    assert not any(SENTENCE in s for call in calls for s in call)  # the model never saw it
    assert translate(client, SENTENCE)["segments"][0]["origin"] == "cache"  # no memory named: none used
    metrics = client.get("/metrics").text
    assert 'oversett_memory_hits_total{direction="into-english",kind="exact"} 1.0' in metrics


def test_numbers_are_swapped_in_and_near_matches_are_suggested(client: Any) -> None:
    client.post("/v1/memories/desk/entries", json={"entries": [
        {"source": "Det er 30 grader i Oslo i dag.", "target": "It is 30 degrees in Oslo today."},
        {"source": "Statsministeren besøkte Tromsø i går kveld.", "target": "The prime minister visited Tromsø last night."},
    ]})
    result = translate(client, "Det er 31 grader i Oslo i dag. Statsministeren besøkte Bodø i går kveld.", memory="desk")
    adapted, near = result["segments"]
    assert (adapted["origin"], adapted["translation"]) == ("memory-adapted", "It is 31 degrees in Oslo today.")
    assert near["origin"] == "model" and near["suggestions"][0]["target"] == "The prime minister visited Tromsø last night."
    assert near["suggestions"][0]["score"] >= 85


def test_a_memory_that_does_not_exist_is_a_404_that_says_where_to_look(client: Any) -> None:
    response = client.post("/v1/translate", json={"text": SENTENCE, "memory": "nowhere"})
    assert response.status_code == 404 and "GET /v1/memories" in response.json()["detail"]


def test_entries_are_listed_corrected_and_deleted(client: Any) -> None:
    client.post("/v1/memories/desk/entries", json={"entries": [{"source": "Hei.", "target": "Hi."}, {"source": "Ha det.", "target": "Bye."}]})
    listed = client.get("/v1/memories/desk/entries").json()["entries"]
    assert [e["source"] for e in listed] == ["Hei.", "Ha det."] and listed[0]["origin"] == "correction"
    changed = client.put(f"/v1/memories/desk/entries/{listed[0]['id']}", json={"target": "Hello."})
    assert changed.status_code == 200 and changed.json()["target"] == "Hello."
    assert client.delete(f"/v1/memories/desk/entries?id={listed[1]['id']}").status_code == 204
    assert [e["target"] for e in client.get("/v1/memories/desk/entries").json()["entries"]] == ["Hello."]
    assert client.get("/v1/memories").json() == {"memories": [{"name": "desk", "entries": 1}]}
    assert client.delete("/v1/memories/desk").status_code == 204
    assert client.get("/v1/memories/desk/entries").status_code == 404
    assert client.post("/v1/memories/bad name!/entries", json={"entries": [{"source": "a", "target": "b"}]}).status_code == 422


def test_one_entry_is_deleted_by_its_id_in_the_path(client: Any) -> None:
    client.post("/v1/memories/desk/entries", json={"entries": [{"source": "Hei.", "target": "Hi."}, {"source": "Ha det.", "target": "Bye."}]})
    first, second = client.get("/v1/memories/desk/entries").json()["entries"]
    assert client.delete(f"/v1/memories/desk/entries/{first['id']}").status_code == 204
    assert [e["id"] for e in client.get("/v1/memories/desk/entries").json()["entries"]] == [second["id"]]
    again = client.delete(f"/v1/memories/desk/entries/{first['id']}")
    assert again.status_code == 404 and str(first["id"]) in again.json()["detail"]


def test_writing_needs_a_writing_key_and_records_who_wrote(make_client: Any) -> None:
    client = make_client(api_keys="reader-key,writer-key", memory_write_keys="writer-key")
    entry = {"entries": [{"source": "Hei.", "target": "Hi."}]}
    denied = client.post("/v1/memories/desk/entries", json=entry, headers={"X-API-Key": "reader-key"})
    assert denied.status_code == 403 and "may read the translation memory 'desk' but not change it" in denied.json()["detail"]
    assert client.post("/v1/memories/desk/entries", json=entry).status_code == 401
    written = client.post("/v1/memories/desk/entries", json=entry, headers={"X-API-Key": "writer-key"})
    assert written.status_code == 200
    listed = client.get("/v1/memories/desk/entries", headers={"X-API-Key": "reader-key"}).json()["entries"]
    assert listed[0]["author"].startswith("key:")
    assert client.delete("/v1/memories/desk", headers={"X-API-Key": "reader-key"}).status_code == 403


def test_tmx_import_reports_conflicts_and_export_gives_it_back(client: Any) -> None:
    from service.domain.memory import MemoryEntry
    from service.formats.tmx import tmx_of

    client.post("/v1/memories/desk/entries", json={"entries": [{"source": "Hei.", "target": "Hi."}]})
    tmx = tmx_of([MemoryEntry("Hei.", "Hello."), MemoryEntry("Ha det.", "Bye.")])
    conflict = client.post("/v1/memories/desk/import", files={"file": ("desk.tmx", tmx)})
    assert conflict.status_code == 409 and "the memory has 'Hi.', the file has 'Hello.'" in conflict.json()["detail"]
    assert len(client.get("/v1/memories/desk/entries").json()["entries"]) == 1  # nothing stored
    kept = client.post("/v1/memories/desk/import", files={"file": ("desk.tmx", tmx)}, data={"on_conflict": "keep"})
    assert kept.json() == {"name": "desk", "added": 1, "updated": 0, "unchanged": 0, "kept": 1}
    broken = client.post("/v1/memories/desk/import", files={"file": ("desk.tmx", tmx.replace(b"</body>", b""))})
    assert broken.status_code == 422 and "line" in broken.json()["detail"]
    exported = client.get("/v1/memories/desk/export")
    assert exported.status_code == 200 and exported.headers["content-disposition"] == 'attachment; filename="desk.tmx"'
    assert re.findall(rb"<seg>([^<]*)</seg>", exported.content) == [b"Hei.", b"Hi.", b"Ha det.", b"Bye."]


def test_a_document_goes_out_as_xliff_and_its_post_edits_come_back_in_the_document(client: Any) -> None:
    import docx
    from lxml import etree

    source = samples.news_docx(paragraphs=2)
    out = client.post("/v1/translate/document", files={"file": ("nyhet.docx", source)}, data={"xliff": "2.0"})
    assert out.status_code == 200 and out.headers["content-disposition"].startswith('attachment; filename="nyhet.docx.xlf"')
    root = etree.fromstring(out.content)
    ns = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
    targets = root.findall(".//x:segment/x:target", ns)
    assert len(targets) >= 6
    # the translator post-edits two segments: the table's first cell, and a sentence with bold markup
    cell = next(t for t in targets if "".join(t.getparent().find("x:source", ns).itertext()) == "Område")
    cell.text = "Area (edited)"
    marked = next(t for t in targets if len(t.getparent().find("x:source", ns)))
    marked.text = "EDITED "
    imported = client.post("/v1/memories/desk/import", files={"file": ("nyhet.docx.xlf", etree.tostring(root))})
    assert imported.status_code == 200 and imported.json()["added"] == 2
    again = client.post("/v1/translate/document", files={"file": ("nyhet.docx", source)}, data={"memory": "desk"})
    assert again.status_code == 200 and again.headers["x-oversett-memory-segments"] == "2"
    document = docx.Document(io.BytesIO(again.content))
    assert document.tables[0].cell(0, 0).text == "Area (edited)"
    assert any(p.text.startswith("EDITED") for p in document.paragraphs)
    bold = [r for p in document.paragraphs if p.text.startswith("EDITED") for r in p.runs if r.bold]
    assert bold  # the markup came back around the words the translator kept between the placeholders


def test_the_routes_are_in_the_openapi_document(client: Any) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/v1/memories", "/v1/memories/{name}/entries", "/v1/memories/{name}/entries/{entry_id}",
                 "/v1/memories/{name}/import", "/v1/memories/{name}/export", "/v1/memories/{name}"):
        assert path in paths


def test_a_cat_tools_english_to_bokmal_memory_is_used_for_english_to_bokmal(client: Any) -> None:
    """Before, the import said 200 and stored it backwards (nb → en): never used this way."""
    tmx = b"""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="SomeCAT" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en-US"
 srclang="en-US" datatype="plaintext"/><body>
<tu><tuv xml:lang="en-US"><seg>The budget is ready.</seg></tuv><tuv xml:lang="nb-NO"><seg>Budsjettet er klart.</seg></tuv></tu>
</body></tmx>"""
    imported = client.post("/v1/memories/desk/import", files={"file": ("desk.tmx", tmx)})
    assert imported.status_code == 200 and imported.json()["added"] == 1
    (entry,) = client.get("/v1/memories/desk/entries").json()["entries"]
    assert (entry["source_lang"], entry["target_lang"]) == ("en", "nb")
    used = translate(client, "The budget is ready.", memory="desk", target_lang="nb", source_lang="en")
    assert used["segments"][0]["origin"] == "memory" and used["text"] == "Budsjettet er klart."
    refused = client.post("/v1/memories/desk/import", files={"file": ("x.tmx", tmx.replace(b'srclang="en-US"', b'srclang="*all*"'))})
    assert refused.status_code == 422 and "set srclang" in refused.json()["detail"] and "line 4" in refused.json()["detail"]


def test_markup_from_a_document_is_shown_as_text_and_exported_as_tmx_codes(client: Any) -> None:
    source = samples.news_docx(paragraphs=2)
    out = client.post("/v1/translate/document", files={"file": ("nyhet.docx", source)}, data={"xliff": "2.0"})
    from lxml import etree

    root = etree.fromstring(out.content)
    ns = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
    marked = next(t for t in root.findall(".//x:segment/x:target", ns) if len(t.getparent().find("x:source", ns)))
    marked.text = "EDITED "
    assert client.post("/v1/memories/desk/import", files={"file": ("nyhet.docx.xlf", etree.tostring(root))}).status_code == 200
    (entry,) = client.get("/v1/memories/desk/entries").json()["entries"]
    assert entry["markup"] is True and "QY" not in entry["source"] + entry["target"]
    assert entry["target"].startswith("EDITED")
    exported = client.get("/v1/memories/desk/export").content
    assert b"QY" not in exported and b"<ph x=" in exported
    again = client.post("/v1/memories/desk/import", files={"file": ("desk.tmx", exported)})
    assert again.json() == {"name": "desk", "added": 0, "updated": 0, "unchanged": 1, "kept": 0}  # the same entry, markup and all
