"""The language-specific parts of English → Bokmål / Nynorsk with no model: English segmentation,
language id that leans to English, the language pairs, the checks of English sources and the
variety check."""

from __future__ import annotations

import pytest

from service.domain.checks import check
from service.domain.checks.from_english import added_numbers, missing_numbers
from service.domain.checks.variety import variety_problem
from service.domain.errors import InvalidInput, UnsupportedLanguage
from service.domain.langid import LanguageDetector
from service.domain.pairs import check_pair, normalise_target
from service.domain.text import segment


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Mr. Smith met Dr. Jones at 10 a.m. They talked.", ["Mr. Smith met Dr. Jones at 10 a.m.", "They talked."]),
        ("Prices rose 3.5 per cent, e.g. in Oslo. See No. 5 on p. 12.", ["Prices rose 3.5 per cent, e.g. in Oslo.", "See No. 5 on p. 12."]),
        ("J. K. Rowling wrote it. The U.S. President agreed.", ["J. K. Rowling wrote it.", "The U.S. President agreed."]),
        ('"Are you ready?" he asked. "Yes."', ['"Are you ready?" he asked.', '"Yes."']),
        ("Apple Inc. is big. Google etc. Are they?", ["Apple Inc. is big.", "Google etc.", "Are they?"]),
    ],
)
def test_english_is_segmented_with_english_abbreviations(text: str, sentences: list[str]) -> None:
    document = segment(text, "en")
    assert document.sentences == sentences
    assert document.render(document.sentences) == text  # layout kept byte for byte


def test_norwegian_segmentation_is_unchanged_by_the_english_rules() -> None:
    assert segment("Han kom kl. 10. Mr. Smith var der.").sentences == ["Han kom kl. 10.", "Mr. Smith var der."]


@pytest.mark.parametrize("text", ["Hello", "Good morning", "Bank", "Read more", "The bank is closed."])
def test_short_english_is_english_when_translating_from_english(detector: LanguageDetector, text: str) -> None:
    assert detector.detect(text, prefer_english=True).lang == "en"


@pytest.mark.parametrize("text", ["Dette er en test av systemet.", "Eg veit ikkje kva han vil.", "Hun sa det var fint."])
def test_norwegian_stays_norwegian_when_translating_from_english(detector: LanguageDetector, text: str) -> None:
    assert detector.detect(text, prefer_english=True).lang in ("nb", "nn")


@pytest.mark.parametrize("text", ["Es war fantastisch.", "Das Hostel ist sehr heimelig.", "Sehr gutes Restaurant und Hotel.", "Ich fand es gut."])
def test_short_german_is_refused_by_its_own_words(detector: LanguageDetector, text: str) -> None:
    with pytest.raises(UnsupportedLanguage, match="German"):
        detector.detect(text)


def test_targets_and_pairs_are_checked_with_the_choices_named() -> None:
    assert [normalise_target(c) for c in (None, "EN", "nob", "nno", " nb ")] == ["en", "en", "nb", "nn", "nb"]
    with pytest.raises(InvalidInput, match=r"en \(English\), nb \(Norwegian Bokmål\), nn \(Norwegian Nynorsk\)"):
        normalise_target("de")
    check_pair("en", "nb")
    check_pair("nn", "nb")  # Nynorsk into Bokmål: the other written standard (Apertium)
    with pytest.raises(InvalidInput, match="nb-en, nn-en, da-en, sv-en, en-nb, en-nn, nb-nn, nn-nb"):
        check_pair("da", "nb")


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        ("The company earned 1.5 million dollars in 2023, said John Smith in London.",
         "Selskapet tjente 1,5 millioner dollar i 2023, sa John Smith i London."),
        ("Some 1,500 people live in Norway.", "Rundt 1 500 mennesker bor i Norge."),
        ("The 550 pound hog attacked him on 13 February.", "Den 250 kilo tunge grisen angrep ham 13. februar."),
        ("Rain of 2 to 4 inches is expected in Arizona.", "Det ventes 5–10 cm regn i Arizona."),
        ("The Norwegian government met on Monday.", "Den norske regjeringen møttes mandag."),
        ("See https://example.org/a for more.", "Se https://example.org/a for mer."),
        ("South Korea's Jong Seork Park finished twenty-fourth in the Super-G.", "Sør-Koreas Jong Seork Park kom på 24. plass i Super-G."),
        ("The terrified King Louis XVI and the King's sister fled to Paris.", "Den vettskremte kong Ludvig XVI og kongens søster flyktet til Paris."),
        # a line of names alone is kept as it is
        ("Elite League: Dundee Stars 5-3 Belfast Giants", "Elite League: Dundee Stars 5-3 Belfast Giants"),
    ],
)
def test_faithful_translations_of_english_pass(source: str, translation: str) -> None:
    assert check(source, translation, "nb") == []


@pytest.mark.parametrize(
    ("source", "translation", "missing"),
    [
        # a conversion in brackets may go, when the figure it converts is there, either way round
        ("The volcano sits 45 miles (72 kilometers) southeast of the capital.", "Vulkanen ligg 72 km søraust for hovudstaden.", []),
        ("Tariffs hit $200 billion (£150 billion) worth of goods.", "Tollen rammer varer verdt 200 milliarder dollar.", []),
        # … but not the figure itself, nor both
        ("It stretches 80 km (50 mi) into the hinterland.", "Det strekker seg (50 mi) inn i innlandet.", ["80"]),
        ("Tariffs hit $200 billion (£150 billion) worth of goods.", "Tollen rammer mange varer.", ["200", "150"]),
        # a converted figure takes the nearest Norwegian figure, not the first near enough
        ("Rosa was at category 1 as of 5 a.m. and 385 miles southwest of Punta Eugenia.",
         "Rosa var i kategori 1 kl. 05.00 og 620 km sørvest for Punta Eugenia.", []),
        # the inches of a height
        ("The 6-foot-6 forward grew up in Baton Rouge.", "Den 2 m høye spilleren vokste opp i Baton Rouge.", []),
        # a conversion rounded to the place it is written to (2.54 → 3), but no further (1.27 is not 1,5)
        ("Locally, 1 to 4 inches of rain will fall.", "Lokalt vil det falle 3 til 10 cm regn.", []),
        ("Rainfall above 0.5 inches is possible.", "Nedbør over 1,5 cm er mulig.", ["0.5"]),
        ("Rainfall above 0.5 inches is possible.", "Nedbør over 1,3 cm er mulig.", []),
    ],
)
def test_numbers_of_english_allow_for_conversions(source: str, translation: str, missing: list[str]) -> None:
    assert missing_numbers(source, translation) == missing


def test_a_translation_may_spell_out_what_english_abbreviates() -> None:
    source = '"I think green cards should automatically be offered to PhDs in AI," he said.'
    spelled_out = "«Jeg mener at de som har en doktorgrad i kunstig intelligens bør motta tilbud om oppholdstillatelse automatisk», sa han."
    assert [i for i in check(source, spelled_out, "nb") if i.code == "length"] == []
    run_on = spelled_out + " Dette er en helt annen setning som modellen har funnet på helt av seg selv, og den er lang."
    assert "length" in [i.code for i in check(source, run_on, "nb")]


def test_a_translation_may_spell_out_each_acronym_the_english_uses() -> None:
    source = "The comments come after parts of the U.S. government made AI announcements, even as the U.S. lacks a formal AI strategy."
    spelled_out = (
        "Kommentarene kommer etter at flere avdelinger av den amerikanske regjeringen har kommet med kunngjøringer om kunstig "
        "intelligens, til tross for at USA ikke har noen formell strategi for kunstig intelligens."
    )
    assert [i for i in check(source, spelled_out, "nb") if i.code == "length"] == []
    assert "length" in [i.code for i in check(source, spelled_out + " " + spelled_out, "nb")]
    # an abbreviation in mixed case too
    wifi = check("She sold a WiFi camera, she said.", "Hun solgte et kamera som er koblet til det trådløse nettet, sa hun.", "nb")
    assert [i for i in wifi if i.code == "length"] == []


def test_a_norwegian_holiday_numbered_by_its_day_adds_no_number() -> None:
    assert added_numbers("He was at rock bottom on Christmas Day.", "Han var helt nede 1. juledag.") == []
    assert "1" in added_numbers("He was at rock bottom on Christmas Day.", "Han var helt nede 1. desember.")
    # only the digit that numbers the day: another 2 in the sentence is still a number of its own
    assert added_numbers("He met friends on Boxing Day.", "Han møtte 2 venner 2. juledag.") == ["2"]


def test_units_counted_in_words_account_for_the_metric_figure() -> None:
    assert added_numbers("It happened about a mile away.", "Det skjedde om lag 1,6 kilometer unna.") == []
    assert added_numbers("The hat has a two-foot wide brim.", "Hatten har en 60 centimeter brei brem.") == []
    # "fifteenth in" is a place, not inches
    assert added_numbers("Arly Velasquez finished fifteenth in the Super-G.", "Arly Velasquez kom på 45. plass i Super-G.") == ["45"]


@pytest.mark.parametrize(
    ("source", "translation", "target", "code"),
    [
        ("The company earned 1.5 million dollars in 2023.", "Selskapet tjente 1,5 millioner dollar i 2022.", "nb", "number"),
        ("Jens Stoltenberg spoke in Stockholm on Wednesday.", "Jens Hansen talte i Stockholm onsdag.", "nb", "name"),
        ("See https://example.org/a for more.", "Se nettsiden for mer.", "nb", "link"),
        ("The minister said the budget would be presented next week.", "The minister said the budget would be presented next week.",
         "nb", "untranslated"),
        ("The minister said that the new budget would be presented in parliament next week.", "Ministeren sa.", "nb", "length"),
        ("I do not know what he wants from me.", "Jeg vet ikke hva han vil fra meg.", "nn", "variety"),
        ("I do not know what he wants from me.", "Eg veit ikkje kva han vil frå meg.", "nb", "variety"),
        ("It was good.", "Det var bra bra bra bra bra bra.", "nb", "repetition"),
    ],
)
def test_broken_translations_of_english_are_flagged_in_plain_words(source: str, translation: str, target: str, code: str) -> None:
    issues = check(source, translation, target)
    assert code in [i.code for i in issues]
    assert all(i.message.endswith((".", ").")) and len(i.message) > 20 for i in issues)


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        # a name after an abbreviation's full stop is no sentence's first word
        ("The disease was found by Dr. Tony Moll in KwaZulu-Natal.", "Sykdommen ble funnet av dr. Tony Smith i KwaZulu-Natal."),
        # a name ending like a people's word (Spaniards) is still a name
        ("But Prime Minister John Howard has said the act was legal.", "Men statsminister John Smith har sagt at handlingen var lovlig."),
        # a country in a run of capitalised words is a name (CLDR), not a word Norwegian translates
        ("The band was due to tour the United States and Canada until May.", "Bandet skulle turnere i USA og Mexico fram til mai."),
        # a Norwegian place put in where the English has another name
        ("Rapper Kanye West is changing his name, he said on Monday.", "Rapperen Kanye Tromsø bytter navn, sa han mandag."),
        # in a headline, a word that is a name by its frequencies
        ("Sarah Palin Cites Track Palin's PTSD At Rally", "Sarah Smith viser til Track Smiths PTSD på et valgmøte"),
        # a known name right after an opening bracket or quote
        ("The presence of a true team (Larson and LaFasto, 1989) is also unique.", "Et ekte lag (Berlin og LaFasto, 1989) er også unikt."),
    ],
)
def test_a_replaced_name_of_an_english_source_is_flagged(source: str, translation: str) -> None:
    assert "name" in [i.code for i in check(source, translation, "nb")]


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        # a country as Norwegian writes it (CLDR), both as the name kept and as no name added
        ("Islam took in a big way in the Comoros and Mayotte.", "Islam fikk stor innvirkning på Komorene og Mayotte."),
        # a people's word said as a Norwegian adjective
        ("The Norwegian Air plane landed with Christian pilots.", "Flyet til det norske selskapet landet med kristne piloter."),
        # English words written as a name, translated into a Norwegian compound written as one
        ("The program simulates observations of the Sagittarius galaxy.", "Programmet simulerer observasjoner av Skytten-galaksen."),
        ("To understand the Templars one must understand the order.", "For å forstå Tempelridderne må man forstå ordenen."),
        # a name the English gives by its initials, a Norwegian title, a compound English does not know
        ("Police arrested a suspect in the death of a player at LSU on Friday.",
         "Politiet pågrep en mistenkt for drapet på en spiller ved Louisiana State University fredag."),
        ("The largest is King George Island with its settlement.", "Den største er Kong George-øyen med bosetningen sin."),
        ("He will stand for the European Parliament next year.", "Han skal stille til valg til Europaparlamentet neste år."),
        # spellings that sound alike
        ("It was the burial place of Abraham, Isaac and Jacob.", "Det var gravstedet til Abraham, Isak og Jakob."),
        # a headline's words that Norwegian does not use are no names; a quoted title's words no added ones
        ("Killer Pig Mauls Chinese Farmer to Death", "Drapsgris tar livet av kinesisk bonde"),
        # a run said as one Norwegian compound; a country said by its adjective
        ("Before then, Rangers host Rapid Vienna in the Europa League on Thursday.",
         "Før dette tar Rangers imot Rapid Wien i Europaligaen på torsdag."),
        ("Rosa makes landfall on the Baja California peninsula of Mexico.", "Rosa treffer land på den meksikanske halvøya Baja California."),
        ('The caves were named "The Seven Sisters" by the locals.', "Hulene ble kalt «De Sju Søstre» av de lokale."),
    ],
)
def test_names_said_the_norwegian_way_pass(source: str, translation: str) -> None:
    assert [i for i in check(source, translation, "nb") if i.code == "name"] == []


@pytest.mark.parametrize(
    ("source", "translation", "target"),
    [
        # a Nynorsk word opening a quote (bevisa: Bokmål bevisene) is no name
        ('"The evidence is clear," she said.', "«Bevisa er klare,» sa ho.", "nn"),
        # a Nynorsk compound (raude + krossen, Bokmål røde + korsen) names what English calls Red Cross
        ("Volunteers from the Red Cross arrived on Monday.", "Frivillige frå Raudekrossen kom på måndag.", "nn"),
        # a compound English does not know, of less common Norwegian words (samvelde + lekene)
        ("He won gold at the Commonwealth Games in Delhi.", "Han vant gull under Samveldelekene i Delhi.", "nb"),
        # an English plural rare in itself, of a word Norwegian translates (Scaffolds: scaffold)
        ("Teachers now use Virtual Scaffolds in the new software.", "Lærere bruker nå virtuelle stillaser i den nye programvaren.", "nb"),
        # a place the exonym table knows (not a CLDR country) said by its adjective
        ("He served as a priest of the Church of England for forty years.", "Han var prest i den engelske kirken i førti år.", "nb"),
        # Norwegian gives a person's first name where English gives a title (Mr. Mandagi → Petra Mandagi)
        ("Others trapped at the hotel, Mr. Mandagi included, were his students.",
         "Flere av dem som ble fanget på hotellet, inkludert Petra Mandagi, var elevene hans.", "nb"),
        # an abbreviation in mixed case is said in words, like an acronym
        ("Green cards should be offered to PhD's in physics, he said.", "Doktorander i fysikk bør få oppholdstillatelse, sa han.", "nb"),
        # a run said as one compound opened by a word that is not the run's first (UEFA Europa …)
        ("Celtic will meet Rennes in the UEFA Europa Leage on Thursday evening.", "Celtic møter Rennes i Europaligaen torsdag kveld.", "nb"),
        # a name said as the end of a Norwegian compound
        ("She finished fifth in the Giant Slalom on Sunday.", "Ho enda på femteplass i storslalåm på søndag.", "nn"),
        # a unit glued to its number in the English
        ("The link reaches 600Mbit/s at best.", "Forbindelsen når i beste fall 600 Mbit/s.", "nb"),
        # the common words of a quoted title, and a name said in capitalised Norwegian words
        ('At the end of the long evening in the old hall they all sang "Seven Evil Kings" together.',
         "Ved slutten av den lange kvelden i den gamle salen song dei alle «Sju Onde Konger» saman.", "nn"),
        ("Early on Monday morning the pilgrims reached the great Sanctuary of Our Lady in the north.",
         "Tidleg måndag morgon nådde pilegrimane den store heilagdommen Vår Frue i nord.", "nn"),
    ],
)
def test_names_said_in_norwegian_words_and_compounds_pass(source: str, translation: str, target: str) -> None:
    assert [i for i in check(source, translation, target) if i.code == "name"] == []


@pytest.mark.parametrize(
    ("source", "translation", "added"),
    [
        # Swedish word lists know Lindqvist; a Norwegian sentence does not open with it
        ('The ship was named "Stone" by the navy.', "Skipet ble kalt «Lindqvist» av marinen.", "Lindqvist"),
        # a name in a quoted title is no common Norwegian word
        ('The channel said that "The Rachel Maddow Show" had led the ratings on most evenings this year.',
         "Kanalen sa at «The Rachel Maddow Ahmed» hadde ledet seertallene de fleste kveldene i år.", "Ahmed"),
    ],
)
def test_a_name_put_in_a_quote_is_still_an_added_name(source: str, translation: str, added: str) -> None:
    issues = check(source, translation, "nb")
    assert [i.message for i in issues if i.code == "name"] == [f"Names the source does not have: {added}."]


def test_a_name_given_in_full_after_a_title_is_no_first_name_norwegian_adds() -> None:
    issues = check(
        "The committee chose to move forward despite the testimony of Dr. Christine Blasey Ford, the paper reported.",
        "Komiteen valgte å gå videre til tross for vitnemålet fra dr. Christine Blasey Smith, meldte avisen.",
        "nb",
    )
    assert [i.message for i in issues if i.code == "name"] == ["Names the source does not have: Smith."]


def test_a_name_that_is_no_english_word_is_asked_for_even_beside_a_translated_one() -> None:
    issues = check(
        "In the end it was Anna Jochemsen who won the Giant Slalom on the day.",
        "Til slutt var det Anna Jokjemien som vant Storslalåmen den dagen.",
        "nb",
    )
    assert [i.message for i in issues if i.code == "name"] == [
        "Names missing in the translation: Jochemsen. Names the source does not have: Jokjemien."
    ]


def test_the_variety_check_needs_two_words_of_the_other_form_outnumbering_its_own() -> None:
    assert variety_problem("Han sa ikke det.", "nn") is None  # one Bokmål word: a quote, or a shared spelling
    assert "Bokmål, not Nynorsk" in (variety_problem("Jeg vet ikke hva han sa.", "nn") or "")
    assert variety_problem("Eg veit ikkje kva han sa, men ikke jeg.", "nn") is None  # more of its own form
    # words the treebanks of one form use and the other's never (regjeringen, tidligere / regjeringa, tidlegare)
    assert "Bokmål" in (variety_problem("Regjeringen la tidligere fram saken i Stortinget.", "nn") or "")
    assert "Nynorsk" in (variety_problem("Regjeringa la tidlegare fram saka i Stortinget.", "nb") or "")
    assert variety_problem("Regjeringa la tidlegare fram saka i Stortinget.", "nn") is None
    # a word said twice is one word
    assert variety_problem("Formatene er like, eller tilnærmet lik, lik dette.", "nb") is None
    assert variety_problem("Anything at all.", "en") is None


@pytest.mark.parametrize(
    "text",
    ["The major religion in Moldova is Orthodox Christian.", "Death toll from Indonesia tsunami rises to 832",
     "Hats off to Thomas.", "My Olympic gold medal is Robbie.", "Pyongyang has made no public comments."],
)
def test_english_headlines_are_a_source_not_a_language_to_refuse(detector: LanguageDetector, text: str) -> None:
    # the broad detector puts these on Latin, Tagalog, Vietnamese or Estonian
    assert detector.detect(text, prefer_english=True).lang == "en"
    detector.detect(text)  # into English too: translated or passed through, never refused
