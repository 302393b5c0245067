from __future__ import annotations

import numpy as np

from service.domain.extractive import body_sentences, extract, is_body, pagerank

# Sentences 1 and 5 share the most words with the rest: they are the known central ones.
TOPICAL = """Været i Tromsø var fint på mandag.

Regjeringen la fram statsbudsjettet, og skatten på bensin og strøm øker neste år.

Katten til naboen heter Pus og liker fisk.

Statsbudsjettet gir høyere skatt på bensin.

Fotballaget vant kampen i går etter ekstraomganger.

Regjeringen sier at skatten på strøm og bensin øker med statsbudsjettet neste år.

Skatten på strøm øker, sier regjeringen.

Konserten i parken ble avlyst på grunn av regn.
"""


def test_central_sentences_are_picked_in_document_order() -> None:
    picked = extract(TOPICAL, "nb", max_sentences=2, max_words=50)
    assert [c.text for c in picked] == [
        "Regjeringen la fram statsbudsjettet, og skatten på bensin og strøm øker neste år.",
        "Regjeringen sier at skatten på strøm og bensin øker med statsbudsjettet neste år.",
    ]


def test_word_budget_is_respected_but_one_sentence_always_comes() -> None:
    picked = extract(TOPICAL, "nb", max_sentences=5, max_words=20)
    assert sum(len(c.text.split()) for c in picked) <= 20
    assert len(extract(TOPICAL, "nb", max_sentences=2, max_words=3)) == 1
    positions = [c.position for c in extract(TOPICAL, "nb", max_sentences=8, max_words=500)]
    assert positions == sorted(positions)


NEWS_WITH_FURNITURE = """Av Kari Nordmann

Publisert: 12.03.2023 kl. 10:14

Strømprisene stiger kraftig

Strømprisene i Sør-Norge steg kraftig denne uken, og strømprisene ventes å holde seg høye.

Foto: Ole Hansen / NTB

TITTER: Strømmåleren i et hus i Oslo. Strømprisene er høye.

Kraftverk: Vannmagasinene i Sør-Norge er lavere enn normalt for årstiden.

Energiministeren sier at strømprisene er høye fordi vannmagasinene er lave.

Se video av strømprisene her:

Tipset oss på tips@avis.no
"""


def test_captions_bylines_and_headings_are_never_picked() -> None:
    texts = [c.text for c in extract(NEWS_WITH_FURNITURE, "nb", max_sentences=20, max_words=1000)]
    assert texts == [
        "Strømprisene i Sør-Norge steg kraftig denne uken, og strømprisene ventes å holde seg høye.",
        "Energiministeren sier at strømprisene er høye fordi vannmagasinene er lave.",
    ]


def test_is_body_rules() -> None:
    assert not is_body("Av Kari Nordmann")
    assert not is_body("Foto: NTB")
    assert not is_body("Strømprisene stiger kraftig")
    assert not is_body("Se video her:")
    assert not is_body("TITTER: Forsvarsminister Sergej Sjojgu under et besøk. Foto: EPA")
    assert is_body("Regjeringen la fram statsbudsjettet i dag.")
    assert is_body("– Det blir dyrere, sier ministeren.")


def test_seed_body_skips_the_furniture(seed_text: str) -> None:
    sentences = [c.text for c in body_sentences(seed_text)]
    assert "Stoltenberg: Bakhmut kan falle om noen dager" not in sentences
    assert not any("Foto:" in s or s.startswith("TITTER") for s in sentences)
    assert not any(s.startswith("Spøkelsesby:") for s in sentences)
    assert "Opplysningene er ikke bekreftet av Ukraina eller uavhengige kilder." in sentences


def test_document_without_body_falls_back_to_all_sentences() -> None:
    picked = extract("Overskrift en\n\nOverskrift to", "nb", max_sentences=2, max_words=50)
    assert [c.text for c in picked] == ["Overskrift en", "Overskrift to"]


def test_pagerank_prefers_the_hub() -> None:
    weights = np.array([[0, 1, 1, 1], [1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]], dtype=float)
    scores = pagerank(weights)
    assert abs(scores.sum() - 1) < 1e-9
    assert scores.argmax() == 0
