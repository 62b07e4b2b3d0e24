"""Street addresses, found by the grammar of addresses in the languages of the tickets.

A street line is a house number and a street name whose last (or first) word
is a street type, in the order the language writes it:

- English (US, UK, Ireland, Canada, Australia): `1600 Pennsylvania Avenue NW`,
  `221B Baker Street`, `12 Elm Gr, Apt 4`: number, capitalised words, a street
  type. The types are the primary street suffixes and their standard
  abbreviations of USPS Publication 28, Appendix C1 (a US government work, in
  the public domain) and the common British and Australian ones (Close, Mews,
  Rise, Parade, Wynd, ...). Street types that are everyday words in tickets
  ("Park", "View", "Key", "Run", "Point", "Station") count only with more
  evidence: a postcode, a unit or a town after a comma, a line break before a
  postcode line, or a word like "address", "office", "ship to" before.
- French: `12 rue de la Paix`, `5 bis, avenue Foch`: number, type, name.
- German and Dutch: `Hauptstraße 12`, `Berliner Str. 5a`, `Kerkstraat 12`,
  `Dorpsweg 7-9`: a compound ending in a street type (or an adjective and the
  type), then the number.
- Spanish, Catalan, Italian, Portuguese, Polish: `Calle Mayor, 5`, `C/ Alcalá
  23`, `Via Roma 12`, `Rua Augusta 100`, `ul. Długa 5/7`: type, name, number.

A line of an address block is a street line too when the block ends in a
postcode line (`10-894 Czerwionka`, `IV2H 1RW`, `Springfield, IL 62704`): the
lines just above it that hold a number or end in a street type, and unit
lines (`Flat 32k`, `Suite 400`). So is "number and capitalised words" right
before ", <postcode> <town>". Postcode formats: UK, Canada, the Netherlands,
Poland, the four- and five-digit ones of most of Europe, the US (with its
state) and Australia (with its state).

Only the street line (with its unit) is reported, as ADDRESS: a town or a
postcode alone names no one. HTTP reason phrases that read like a street
("502 Bad Gateway", RFC 9110) are never addresses.
"""

from __future__ import annotations

import re
from typing import Iterator

from redaction.blobs import in_prose
from redaction.detector import PatternDetector
from redaction.wordsearch import LowerText, find_words

ADDRESS = "ADDRESS"

# USPS Publication 28, Appendix C1: primary street suffix names and standard abbreviations that,
# after a house number and a capitalised name, say "street" on their own.
_EN_STRONG = """
    alley aly anex anx arcade arc avenue ave av boulevard blvd bypass byp causeway cswy circle cir circles cirs
    court ct courts cts crescent cres crossing xing crossroad xrd crossroads xrds drive dr drives drs estates ests
    expressway expy freeway fwy gardens gdns grove grv groves grvs heights hts highway hwy hollow holw lane ln
    manor mnr manors mnrs mews motorway mtwy overpass opas parkway pkwy parkways place pl plaza plz
    road rd roads rds skyway skwy square sq squares sqs stravenue stra street st streets sts terrace ter
    throughway trwy trafficway trfy trail trl turnpike tpke underpass upas viaduct
    close rise wynd parade pde esplanade promenade embankment quay wharf chase croft drove approach circus
    broadway boulevarde crt gr cl cres pkway
"""
# Primary suffixes that are also everyday words in tickets: they need more evidence.
_EN_WEAK = """
    bayou byu beach bch bend bnd bluff blf bluffs blfs bottom btm branch bridge brg brook brk brooks brks burg burgs
    camp canyon cyn cape cpe center ctr centers ctrs cliff clf cliffs clfs club clb common cmn commons cmns corner
    cor corners cors course crse cove cv coves cvs creek crk crest crst curve curv dale dam divide extension ext
    extensions exts fall falls fls ferry fry field fld fields flds flat flt flats flts ford frd fords forest frst
    forge frg forges fork frk forks fort garden gdn gateway gtwy glen gln glens green grn greens harbor hbr
    harbour harbors haven hvn hill hills hls inlet inlt island isle junction jct junctions key ky keys kys knoll knl
    knolls lake lk lakes lks land landing lndg light lgt lights loaf lock lck locks lodge ldg loop mall meadow mdw
    meadows mdws mill mills mission msn mount mt mountain mtn mountains neck nck orchard orch oval park parks pass
    passage psge path pike pine pne pines plain pln plains point pt points pts port prt ports prairie radial radl
    ramp ranch rnch rapid
    rpd rapids rest rst ridge rdg ridges river riv route rte row rue run shoal shl shoals shore shr shores spring
    spg springs spur spurs station sta stream strm summit smt trace trce track trak trailer tunnel tunl union
    valley vly valleys view vw views village vlg villages ville vista vis walk walks wall way ways well wells
    vale mead brow yard gate end side
"""
_FR_TYPES = (
    r"rue|avenue|av\.|boulevard|bd\.?|bld|place|pl\.|all[ée]e|impasse|chemin|quai|cours|route|square|passage|voie"
    r"|faubourg|fbg|rond-point|sentier|cit[ée]|hameau|lieu-dit|mont[ée]e|traverse|venelle|ruelle|parvis|esplanade"
    r"|promenade|cour|parc|r[ée]sidence|lotissement|villa|clos|sq\.|imp\.|ch\."
)
# Where French writes the type in lower case or follows it with an article, it is not an English title.
_FR_ARTICLE = r"(?:de|du|des|de la|de l'|d'|l'|la|le|les|aux|au|saint|sainte|st|ste)"
_DE_NL_SUFFIXES = (
    r"stra(?:ß|ss)e|str\.|weg|allee|platz|gasse|ring|damm|ufer|chaussee|steig|pfad|markt|graben|kamp|stieg|wall"
    r"|garten|gärten|höhe|zeile|promenade|brücke|straat|laan|plein|gracht|kade|singel|dijk|steeg|dreef"
    r"|plantsoen|baan|burgwal|kanaal|hoeve|boulevard"
)
_DE_NL_WORDS = r"Stra(?:ß|ss)e|Str\.|Allee|Weg|Platz|Ring|Damm|Gasse|Ufer|Chaussee|Promenade|Markt|Straat|Laan|Plein|Gracht|Kade"
_SOUTH_TYPES = (
    r"calle|c/|avenida|avda\.?|av\.|avd\.|plaza|pza\.|paseo|p[ºo]\.?|camino|carretera|ctra\.|ronda|traves[íi]a|glorieta"
    r"|rambla|callej[óo]n|urbanizaci[óo]n|urb\.|pasaje|carrer|c\.|avinguda|passeig|pla[çc]a|via|viale|v\.le|piazza"
    r"|p\.zza|piazzale|corso|largo|vicolo|strada|contrada|lungomare|lungotevere|borgo|salita|rua|r\.|travessa|pra[çc]a"
    r"|alameda|estrada|ul\.|ulica|al\.|aleja|aleje|pl\.|plac|os\.|osiedle|skwer|rondo"
)
# The same types as words to look for (`wordsearch`): the place where a southern street line can start.
_SOUTH_WORDS = frozenset(
    """
    calle c/ avenida avda avda. av. avd. plaza pza. paseo pº pº. po. camino carretera ctra. ronda travesía travesia
    glorieta rambla callejón callejon urbanización urbanizacion urb. pasaje carrer c. avinguda passeig plaça placa via
    viale v.le piazza p.zza piazzale corso largo vicolo strada contrada lungomare lungotevere borgo salita rua r.
    travessa praça praca alameda estrada ul. ulica al. aleja aleje pl. plac os. osiedle skwer rondo
    """.split()
)
# Types that are English words too: only capitalised, before a capitalised name.
_SOUTH_ENGLISH = frozenset({"via", "plaza", "largo", "corso", "camino", "ronda", "strada", "alameda", "borgo", "rambla"})
_UNIT = (
    r"(?:"
    + "|".join(
        sorted(
            """apt apartment suite ste unit flat floor fl room rm bldg building studio app appt appartement appartamento
            bâtiment bât étage piso planta puerta interno int scala wohnung whg lok lokal""".split(),
            key=len,
            reverse=True,
        )
    )
    + r")\.?"
)
_STATES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK"
    " OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP AA AE AP"
    " AB BC MB NB NL NS NT NU ON PE QC SK YT"
).split()
_AU_STATES = r"NSW|VIC|QLD|WA|SA|TAS|ACT|NT"
# RFC 9110 reason phrases that end in a word above.
_STATUS_PHRASES = frozenset({"bad gateway"})


def _alternation(words: str) -> str:
    ordered = sorted(set(words.split()), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in ordered)


_EN_STRONG_SET = frozenset(_EN_STRONG.split())
_EN_TYPES = _alternation(_EN_STRONG + " " + _EN_WEAK)

_NUM = r"\d{1,5}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?"
# A house number after the street name, never a year ("Nürnberg 2024", "Czerwca 1956").
_HOUSE = r"(?!(?:1[89]|20)\d\d(?!\d))\d{1,4}[a-zA-Z]?(?:[ \t]?[-/][ \t]?\d{1,4}[a-zA-Z]?)?"
_NAME = r"(?:[A-ZÀ-ÖØ-Þ][\w'’.-]*|\d{1,3}(?:st|nd|rd|th))"
_NAME_OR_ARTICLE = r"(?:[A-ZÀ-ÖØ-Þ][\w'’.-]*|d'|l'|de|du|des|del|della|di|da|dos|das|do|la|le|les|el|van|der|den|von|y|e|et|i)"
_POSTCODE = (
    r"(?:[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}(?![\w])"  # UK
    r"|[A-Z]\d[A-Z][ \t]?\d[A-Z]\d(?![\w])"  # Canada
    r"|\d{4}[ \t]?[A-Z]{2}(?![\w])"  # Netherlands
    r"|\d{2}-\d{3}(?![\w-])"  # Poland
    r"|(?:[A-Z]{1,2}-)?\d{4,5}(?![\w-])"  # most of Europe, the US without its state
    r")"
)
_STATE_ZIP = r"(?:" + "|".join(_STATES) + r")[ \t]+\d{5}(?:-\d{4})?(?![\w-])|(?:" + _AU_STATES + r")[ \t]+\d{4}(?![\w-])"
# Words of a town name; separators are not part of words, so there is one way to read a name.
_TOWN = r"[A-ZÀ-ÖØ-Þ][\w'’.]*(?:(?:[ \t]+|-)(?:[A-ZÀ-ÖØ-Þ][\w'’.]*|upon|on|sur|am|an|der|de|la|le|del))*"
_NO_WORD_BEFORE = r"(?<![\w/.,:#+@$%&=-].)"  # tested after the first character (see secrets._word_start)

# English: 12 [N] Name Name Street [NW][, Apt 4]
_ENGLISH = re.compile(
    r"\d" + _NO_WORD_BEFORE + r"\d{0,4}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?,?[ \t]+"
    r"(?:(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West|Old|Upper|Lower|Great|Little)\.?[ \t]+)?"
    r"(?P<name>(?:" + _NAME + r"[ \t]+){1,4})"
    r"(?P<type>(?i:" + _EN_TYPES + r"))(?![\w'’-])\.?"
    r"(?:[ \t]+(?:N|S|E|W|NE|NW|SE|SW)\b\.?)?"
    r"(?P<unit>,?[ \t]+(?i:" + _UNIT + r"|#)[ \t]*#?[ \t]*[\w-]{1,6})?"
)
# French: 12 [bis][,] rue de la Paix
_FRENCH = re.compile(
    r"\d" + _NO_WORD_BEFORE + r"\d{0,4}[A-Za-z]?(?:[ \t]+(?:bis|ter|quater))?,?[ \t]+"
    r"(?P<type>(?i:" + _FR_TYPES + r"))[ \t]+"
    r"(?P<article>" + _FR_ARTICLE + r"[ \t]*)?"
    r"(?P<name>[A-ZÀ-ÖØ-Þ][\w'’-]*(?:[ \t]+(?:[A-ZÀ-ÖØ-Þ][\w'’-]*|de|du|des|la|le|les|d'|l'|et|sur|sous|en)){0,5})"
)
# German, Dutch: Hauptstraße 12, Berliner Str. 5a, Kerkstraat 12-14
_GERMANIC = re.compile(
    r"[A-ZÄÖÜ](?<![\w/.-].)(?:[\wäöüß'-]+(?i:" + _DE_NL_SUFFIXES + r")|[\wäöüß-]+(?:er|sche|ische)[ \t]+(?:" + _DE_NL_WORDS + r"))"
    r"[ \t]+(?P<num>" + _HOUSE + r")(?![\w.,]\d|[\w])"
)
# Spanish, Catalan, Italian, Portuguese, Polish: Calle Mayor, 5; Via Roma 12; ul. Długa 5/7
_SOUTHERN = re.compile(
    r"(?<![\w/.-])(?P<type>(?i:" + _SOUTH_TYPES + r"))[ \t]+"
    r"(?P<name>(?:[\w'’.-]+[ \t]+){0,5}?[\w'’.-]*[^\W\d_][\w'’.-]*)"
    r",?[ \t]+(?:(?i:n[º°o]\.?|nr\.?|no\.?|num\.?|n\.)[ \t]*)?(?P<num>" + _HOUSE + r")"
    r"(?:,?[ \t]+\d{1,2}[º°ª][ \t]*[A-Za-z]?(?![\w]))?(?![\w.,]\d|[\w])"
)
# Number and capitalised words right before ", <postcode> <town>" or ", <town>, <state> <zip>".
_BEFORE_POSTCODE = re.compile(
    r"\d" + _NO_WORD_BEFORE + r"\d{0,4}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?[ \t]+(?:" + _NAME_OR_ARTICLE + r"[ \t]+){0,4}" + _NAME
    + r"(?=[ \t]*,[ \t]*(?:" + _POSTCODE + r"[ \t]+[A-ZÀ-ÖØ-Þ]|" + _TOWN + r",?[ \t]+(?:" + _STATE_ZIP + r")))"
)
# The last line of an address block: a postcode and a town, a town and a state with its code, a UK postcode alone.
_POSTCODE_LINE = re.compile(
    r"(?m)^[ \t>]*(?:" + _POSTCODE + r"[ \t]+" + _TOWN + r"|" + _TOWN + r",?[ \t]+(?:" + _STATE_ZIP + r")"
    r"|[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[A-Z]{2}|\d{4}[ \t]?[A-Z]{2}|(?:APO|FPO|DPO)[ \t]+A[AEP][ \t]+\d{5})[ \t,.]*$"
)
# A line of a block above the postcode line that is a street: a number, or a street type at its end, or a unit.
_BLOCK_STREET = re.compile(
    r"^(?:(?:" + _NUM + r"),?[ \t]+(?:" + _NAME_OR_ARTICLE + r"[ \t.,]*){1,6}(?:[ \t]*,?[ \t]*(?i:" + _UNIT + r"|#)[ \t]*[\w-]{1,6})?"
    r"|(?:" + _NAME_OR_ARTICLE + r"[ \t]+){0,3}" + _NAME + r",?[ \t]+" + _NUM + r"(?:[ \t]+\w{1,4})?"
    r"|(?:" + _NAME + r"[ \t]+){1,4}(?i:" + _EN_TYPES + r")\.?"
    r"|(?i:" + _UNIT + r")[ \t]*#?[ \t]*[\w-]{1,6})$"
)
# A street line right after words that announce one: "my address is Fabiënnehof 915", "lived in 7 Sandra Haven".
_ANNOUNCED = re.compile(
    r"(?i:\b(?:address|adres|adresse|anschrift|indirizzo|direcci[óo]n|endere[çc]o)\b[^\n\d]{0,12}?"
    r"|\b(?:lived?|lives|living|moved|ship(?:ped)?|sent|send|deliver(?:ed)?|located|office)[ \t]+(?:in|at|to)[ \t]+)"
    r"(?P<street>" + _NUM + r"[ \t]+(?:" + _NAME_OR_ARTICLE + r"[ \t]+){0,4}" + _NAME
    + r"|(?:" + _NAME + r"[ \t]+){0,3}" + _NAME + r",?[ \t]+" + _HOUSE + r"(?:[ \t]+(?i:" + _UNIT + r")[ \t]*[\w-]{1,6})?)"
    r"(?=[ \t]*(?:[,.;]|\n|$))"
)
_ANNOUNCING = (
    "addr", "adres", "anschrift", "indirizzo", "direcci", "endere", "live", "living", "moved", "ship", "sent", "send",
    "deliver", "located", "office",
)
# A unit on a line of its own ("Flat 32k", "Suite 400", "PSC 1173, Box 6221"): the lines around it are the address.
_UNIT_LINE = re.compile(
    r"(?m)^[ \t>]*(?:[^\n]{0,40}\b(?i:address|adres|adresse|anschrift)\b[^\n\d]{0,10}?)?"
    r"(?P<unit>(?i:flat|apt|apartment|suite|unit|studio|room|floor)\.?[ \t]*#?[ \t]*\d{1,5}[A-Za-z]?"
    r"|(?:PSC|CMR|Unit)[ \t]+\d{3,5},?[ \t]+Box[ \t]+\d{1,5}|(?:USNS|USS|USCGC)[ \t]+[A-Z][\w .-]{1,30}?)[ \t,]*$"
)
# Words before a street line that say an address follows.
_CUE = re.compile(
    r"(?i)\b(?:address|addr|adresse|anschrift|direcci[óo]n|indirizzo|adres|endere[çc]o|ship|shipping|shipped|deliver\w*"
    r"|mail(?:ing)?|billing|bill to|invoice to|office|headquarters|hq|located|location|lived?|lives|living|moved|move|relocat\w*"
    r"|visit|send|post|wohnhaft|wohnt|habite|vive|abita|mieszka|siedziba|sede|sitz|domicile)\b[^\n]{0,40}$"
)
# After a street line: a comma and a postcode, a unit or a town; or the end of the line before a postcode line.
_AFTER = re.compile(
    r"[ \t]*(?:,[ \t]*(?:" + _POSTCODE + r"|(?i:" + _UNIT + r")|[A-ZÀ-ÖØ-Þ][\w'’-]*)|\n[ \t>]*(?:" + _POSTCODE + r"|" + _TOWN
    + r",?[ \t]+(?:" + _STATE_ZIP + r")))"
)


def find_addresses(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, why) of each street line."""
    for match in _ENGLISH.finditer(text):
        kind = match.group("type").lower().rstrip(".")
        phrase = f"{match.group('name')}{match.group('type')}".lower()
        if " ".join(phrase.split()[-2:]) in _STATUS_PHRASES:
            continue
        if kind in _EN_STRONG_SET or _evidence(text, match.start(), match.end()):
            yield match.start(), match.end(), "english"
    for match in _FRENCH.finditer(text):
        kind = match.group("type")
        if kind.islower() or match.group("article") or _evidence(text, match.start(), match.end()):
            yield match.start(), match.end(), "french"
    for match in _GERMANIC.finditer(text):
        yield match.start(), match.end(), "german or dutch"
    source = LowerText(text)
    starts = sorted({start for start, _, _ in find_words(source, _SOUTH_WORDS, before=r"[\w/.-]", after=r"[^ \t]")})
    for match in filter(None, (_SOUTHERN.match(text, start) for start in starts)):
        kind = match.group("type")
        if kind.lower() in _SOUTH_ENGLISH and not (
            kind[0].isupper() and match.group("name")[:1].isupper() and _evidence(text, match.start(), match.end())
        ):
            continue
        yield match.start(), match.end(), "southern european"
    if source.has_any(_ANNOUNCING):
        for match in _ANNOUNCED.finditer(text):
            yield match.start("street"), match.end("street"), "announced"
    for match in _BEFORE_POSTCODE.finditer(text):
        yield match.start(), match.end(), "before a postcode"
    yield from _block_streets(text)


def _evidence(text: str, start: int, end: int) -> bool:
    """A postcode, unit or town after the street, or a word like "address" before it on its line."""
    if _AFTER.match(text, end):
        return True
    line = text.rfind("\n", 0, start) + 1
    return bool(_CUE.search(text, max(line, start - 60), start))


def _block_streets(text: str) -> Iterator[tuple[int, int, str]]:
    """The street and unit lines of address blocks: above a postcode line, and around a unit line."""
    for match in _POSTCODE_LINE.finditer(text):
        line = _line_before(text, match.start())
        for _ in range(3):  # at most three lines above: unit, street, town
            if line is None:
                break
            yield from _street_line(text, *line)
            line = _line_before(text, line[0])
    for match in _UNIT_LINE.finditer(text):
        yield match.start("unit"), match.end("unit"), "address block"
        for line in (_line_before(text, match.start()), _line_after(text, match.end())):
            if line is not None:
                yield from _street_line(text, *line)


def _line_before(text: str, start: int) -> tuple[int, int] | None:
    """The line that ends just before the line starting at `start`; None at a blank line or the start."""
    if start <= 0 or text[start - 1] != "\n":
        return None
    line_start = text.rfind("\n", 0, start - 1) + 1
    return (line_start, start - 1) if text[line_start : start - 1].strip() else None


def _line_after(text: str, end: int) -> tuple[int, int] | None:
    if end >= len(text) or text[end] != "\n":
        return None
    line_end = text.find("\n", end + 1)
    line_end = len(text) if line_end < 0 else line_end
    return (end + 1, line_end) if text[end + 1 : line_end].strip() else None


def _street_line(text: str, start: int, end: int) -> Iterator[tuple[int, int, str]]:
    raw = text[start:end]
    content = raw.lstrip(" \t>")
    if len(content) > 60:
        return
    begin = start + len(raw) - len(content)
    # The whole line, or its part before a comma ("Smith Turnpike, North Carolina").
    for part in (content, content.split(",", 1)[0]):
        stripped = part.rstrip(" \t,.")
        if _BLOCK_STREET.match(stripped):
            yield begin, begin + len(stripped), "address block"
            return


class AddressRecognizer(PatternDetector):
    """Street lines → ADDRESS."""

    ENTITIES = (ADDRESS,)

    def find(self, text: str) -> Iterator[tuple[str, int, int, float, str]]:
        for start, end, why in in_prose(find_addresses, text):
            yield ADDRESS, start, end, 0.8, why
