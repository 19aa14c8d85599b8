"""Recognisers for the line forms a news page prints around its story: agency and byline lines,
date lines, photo captions with their credit, and runs of teaser (headline, standfirst) pairs.

The training data labels lines only as article or not, so these finer kinds are told apart by form.
Each recogniser is deliberately narrow (a whole short line must look like a date to be a date line):
a false "dateline" on a body sentence would cut a paragraph out of the article.
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {m: i + 1 for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split())}
_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
# Month names of the languages the desk meets most (Russian in the genitive a date uses, Hindi, Malay/Indonesian
# by the Dutch and German spellings they share). A page's dates read them
# only on pages in those languages (an English page's "mai" or "mars" is no month); a date line of a scraped text
# page is a date whatever its language ("Publié le 6 octobre 2016", never the page's headline).
FOREIGN_MONTHS = {
    **dict.fromkeys(("janvier", "enero", "janeiro", "januar", "jänner", "gennaio", "januari", "января", "يناير", "जनवरी"), 1),
    **dict.fromkeys(("février", "fevrier", "febrero", "fevereiro", "februar", "febbraio", "februari", "февраля", "فبراير", "फ़रवरी", "फरवरी"), 2),
    **dict.fromkeys(("mars", "marzo", "março", "marco", "märz", "maerz", "maart", "марта", "مارس", "मार्च"), 3),
    **dict.fromkeys(("avril", "abril", "april", "aprile", "апреля", "أبريل", "ابريل", "अप्रैल"), 4),
    **dict.fromkeys(("mai", "mayo", "maio", "maggio", "mei", "мая", "مايو", "मई"), 5),
    **dict.fromkeys(("juin", "junio", "junho", "juni", "giugno", "июня", "يونيو", "जून"), 6),
    **dict.fromkeys(("juillet", "julio", "julho", "juli", "luglio", "июля", "يوليو", "जुलाई"), 7),
    **dict.fromkeys(("août", "aout", "agosto", "august", "augustus", "августа", "أغسطس", "अगस्त"), 8),
    **dict.fromkeys(("septembre", "septiembre", "setiembre", "setembro", "september", "settembre", "сентября", "سبتمبر", "सितंबर", "सितम्बर"), 9),
    **dict.fromkeys(("octobre", "octubre", "outubro", "oktober", "ottobre", "октября", "أكتوبر", "अक्टूबर"), 10),
    **dict.fromkeys(("novembre", "noviembre", "novembro", "november", "ноября", "نوفمبر", "नवंबर", "नवम्बर"), 11),
    **dict.fromkeys(("décembre", "decembre", "diciembre", "dezembro", "dezember", "dicembre", "декабря", "ديسمبر", "दिसंबर", "दिसम्बर"), 12),
}
_FOREIGN_MONTH = "|".join(sorted(map(re.escape, FOREIGN_MONTHS), key=len, reverse=True))

_DATE_FORMS = [
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),  # Oct 06 2016, October 6, 2016
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I),  # 6 October 2016
    re.compile(rf"\b{_YEAR}-(?P<mnum>\d{{2}})-(?P<day>\d{{2}})(?:\b|(?=T\d))"),  # 2016-10-06, 2016-10-06T14:05
    # "6 octobre 2016", "6. Oktober 2016", "6 de octubre de 2016", "6 октября 2016", "6 أكتوبر 2016"
    re.compile(rf"\b{_DAY}\.?(?:er|º)?\s+(?:de\s+)?(?P<fmonth>{_FOREIGN_MONTH})\s+(?:de\s+|del\s+)?{_YEAR}\b", re.I),
    # "2024年10月06日" (Chinese, Japanese), "2024년 10월 6일" (Korean): digits run into the characters, no \b
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)\s*[年년]\s*(?P<mnum>\d{1,2})\s*[月월]\s*(?P<day>\d{1,2})\s*[日일]"),
    # "06.10.2016" (German, Russian, Polish...): day first wherever dots separate; "2016/10/06"
    re.compile(r"(?<![\d.])(?P<day>\d{1,2})\.(?P<mnum>\d{1,2})\.(?P<year>(?:19|20)\d\d)\b"),
    re.compile(r"(?<![\d/])(?P<year>(?:19|20)\d\d)/(?P<mnum>\d{1,2})/(?P<day>\d{1,2})\b"),
    # "06/10/2016" is 6 October in most of the world and 10 June in the US: read only when one order is
    # impossible ("25/10/2016", "10/25/2016") or both agree, as a date four months off is worse than none
    re.compile(r"(?<![\d/])(?P<slash1>\d{1,2})/(?P<slash2>\d{1,2})/(?P<year>(?:19|20)\d\d)\b"),
]
_WEEKDAY = (r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|"
            r"martes|miércoles|jueves|viernes|sábado|domingo|montag|dienstag|mittwoch|donnerstag|freitag|samstag|"
            r"sonntag|senin|selasa|rabu|kamis|jumat|sabtu|minggu|ahad)\.?,?")
# What may surround a date on a date line: weekday, time, time zone, "Published"/"Updated".
_DATE_LINE_RESIDUE = re.compile(
    rf"^(?:{_WEEKDAY}|published|updated|posted|last|modified|on|at|date|time|am|pm|a\.m\.|p\.m\.|gmt|utc|"
    # the same in the languages of FOREIGN_MONTHS: "Publié le ... à 14h32", "... 15:04 Uhr", "Publicado el"
    r"publié|publiée|mis|jour|le|à|veröffentlicht|aktualisiert|um|uhr|publicado|actualizado|el|a|las|pubblicato|"
    r"aggiornato|il|alle|ore|\d{1,2}h\d{2}|@|uhr|wib|wita|wit|"
    r"[a-z]{2,4}t|\d{1,2}[:.]\d{2}(?::\d{2})?|t\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?|"
    # Chinese and Japanese date lines name their source and time: "2024年10月06日 09:30 来源：新华社"
    r"来源[:：]\s*\S{1,20}|发布时间[:：]?|发布于|更新于|時間|時刻|"
    r"[\s,|:•·\-–—/()])*$",
    re.I,
)

AGENCIES = {
    "afp": "AFP", "agence france-presse": "AFP", "agence france presse": "AFP", "reuters": "Reuters",
    "thomson reuters": "Reuters", "ap": "AP", "associated press": "AP", "the associated press": "AP",
    "bernama": "Bernama", "dpa": "dpa", "xinhua": "Xinhua", "aap": "AAP", "pa": "PA", "pa media": "PA",
    "press association": "PA", "ani": "ANI", "pti": "PTI", "ians": "IANS", "upi": "UPI", "efe": "EFE",
    "ansa": "ANSA", "kyodo": "Kyodo", "kyodo news": "Kyodo", "yonhap": "Yonhap", "tass": "TASS",
    "anadolu": "Anadolu", "anadolu agency": "Anadolu", "afp-jiji": "AFP-JIJI", "afp relaxnews": "AFP Relaxnews",
    "bloomberg": "Bloomberg", "cnn wire": "CNN Wire", "nyt": "NYT", "the new york times": "NYT",
}
_AGENCY_LINE = re.compile(r"^(?:[-–—©(]\s*|source:\s*|by\s+|\(?)(?P<name>.+?)[\s)\-–—.]*$", re.I)
_AGENCY_CREDIT = re.compile(
    r"(?:\s[-–—|/]\s*|\s\()(?P<credit>(?:AFP|REUTERS|Reuters|AP|EPA|EPA-EFE|Getty Images|Bernama|Xinhua|ANI|PTI|"
    r"dpa|AAP|PA|Shutterstock|Bloomberg)(?:\s+(?:PHOTO|Photo|photo|Images|via Getty Images))?(?:\s*/\s*[\w .'-]+)?)\)?\s*$"
)
_NAMED_CREDIT = re.compile(r"(?:^|\s|\()(?P<credit>(?:Photo|Picture|Image|Credit|Foto)s?(?:\s+credit)?\s*:\s*[^()]{2,60})\)?$", re.I)
_BYLINE = re.compile(r"^(?:by|written by|words by|author:|reporting by|posted by|story by)\s+\S", re.I)
# "by" in other languages, followed by a name only ("Par Marie Dupont", not "Von der Leyen backs plan")
_FOREIGN_BYLINE = re.compile(r"^(?:(?i:par|por|von|door|av|przez|oleh|penulis:?|автор:?)\s+(?:[A-ZÀ-ÞА-Я][\w'’.-]+\s*){2,4}"
                             r"|(?:بقلم|نویسنده:?)\s+\S.*"
                             r"|(?:责任编辑|責任編輯|编辑|編輯|记者|記者|作者|文)\s*[：:]\s*\S.{0,30})$")  # "责任编辑：王明"
# "Larry Elliott, economics editor", "Rahul Mehta | rahul.mehta@example.com", "Staff writer": a name with
# its job or address, or the job alone
_ROLE = r"(?:editor|correspondent|reporter|writer|journalist|columnist|contributor|producer|analyst)s?"
_NAMED_BYLINE = re.compile(
    rf"^(?:(?:[A-Z][\w.'’-]+ ){{1,3}}[A-Z][\w.'’-]+\s*(?:,|\||-|–|—)\s*(?:[\w'’-]+ ){{0,4}}{_ROLE}"
    rf"|(?:[A-Z][\w.'’-]+ ){{1,3}}[A-Z][\w.'’-]+\s*[|,]\s*\S+@\S+\.\w+|(?:staff|senior|special|chief) {_ROLE})$",
    re.I,
)
# Lines that say when or how long, never what: "2 min read", "Updated: 2 hours ago", "14:22 BST", "03/07/2010".
_CLOCK = r"\d{1,2}[:.h]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?"
_META_LINE = re.compile(
    rf"^(?:(?:updated|posted|published|issued|last updated|publié|mis à jour|publicado|actualizado|veröffentlicht"
    rf"|aktualisiert|pubblicato|aggiornato)(?:\s+(?:on|le|el|am|il))?\s*:?\s*)?"
    rf"(?:\d+\s*(?:min|minute)s?\s+read|\d+\s+(?:second|minute|hour|day|week)s?\s+ago|{_CLOCK}"
    rf"|\d{{1,2}}(?P<sep>[/.])\d{{1,2}}(?P=sep)\d{{2,4}}(?:\s*(?:[-–,|@]|à|a las|um|alle)?\s*{_CLOCK})?)$",
    re.I,
)
TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*$")
_WORDS = re.compile(r"\w+", re.UNICODE)


def parse_date(text: str) -> str | None:
    """ISO date of the first full date (day, month name or number, year) in ``text``, else None."""
    for form in _DATE_FORMS:
        match = form.search(text)
        if not match:
            continue
        parts = match.groupdict()
        if parts.get("slash1"):
            first, second = int(parts["slash1"]), int(parts["slash2"])
            if first <= 12 and second <= 12 and first != second:
                continue
            parts["day"], parts["mnum"] = (first, second) if first > 12 else (second, first)
        month = (int(parts["mnum"]) if parts.get("mnum") else FOREIGN_MONTHS[parts["fmonth"].lower()]
                 if parts.get("fmonth") else _MONTHS[parts["month"][:3].lower()])
        try:
            return date(int(parts["year"]), month, int(parts["day"])).isoformat()
        except ValueError:
            continue
    return None


def date_line(text: str) -> str | None:
    """ISO date when the whole line is a date (plus weekday, time, "Updated"...), else None. A line of two
    dates ("Published 6 October 2016 | Updated 8 October 2016", "Updated: 8 October 2016 Published: 6 October
    2016") gives the earlier, the publication: a piece is updated after it is published, whichever comes first
    on the line. A date that cannot be read ("06/10/2016": which is the month?) leaves the line undated."""
    if len(text) > 80:
        return None
    days, rest = [], text
    for form in _DATE_FORMS:
        days += [parse_date(match.group(0)) for match in form.finditer(rest)]
        rest = form.sub(" ", rest)
    if not days or None in days or not _DATE_LINE_RESIDUE.match(rest):
        return None
    return min(days)


def agency_line(text: str) -> str | None:
    """The agency's canonical name when the whole line names a news agency ("AFP", "- Reuters")."""
    if len(text) > 40:
        return None
    match = _AGENCY_LINE.match(text.strip())
    return AGENCIES.get(match.group("name").strip().lower()) if match else None


# A wiki's image markup or a bare media file name left in scraped text ("File:T3 concourse day.jpg").
_MEDIA_FILE = re.compile(r"^(?:(?:file|image|media|datei|fichier|archivo):\s*)?\S[^\n]{0,200}\.(?:jpe?g|png|gif|svg|tiff?|webp|webm|ogg|ogv)$", re.I)


def media_file(text: str) -> bool:
    """A line that names an image or video file: page furniture, never a sentence of the article."""
    return bool(_MEDIA_FILE.match(text)) and (":" in text.split()[0] or " " not in text)


_CAPITAL_WORD = r"[A-Z][\w.'’-]*"
_PLACE = rf"{_CAPITAL_WORD}(?: {_CAPITAL_WORD}){{0,3}}"
# "Pichilemu, Chile  A power outage ...": a scrape that lost the dash after the dateline keeps a double
# space, or the dateline alone on its line ("Morwell, Victoria")
_GLUED_DATELINE = re.compile(rf"^(?P<dateline>{_PLACE}, {_PLACE})(?:\s{{2,}}(?P<rest>[A-Z\"“].*)|\s*)$", re.S)
# the wire's "WASHINGTON (Reuters) - The ...", "ALEPPO, Syria — ...", "DERNA, Libya, Sept 11 (Reuters) - ...",
# "KHARTOUM, June 7, 2023 (AFP) - ..."
_WIRE_DAY = rf"(?i:{_MONTH}) \d{{1,2}}(?:, (?:19|20)\d\d)?"
_WIRE_DATELINE = re.compile(
    rf"^(?P<dateline>[A-Z][A-Z.'’ -]{{2,30}}?(?:, {_PLACE})?(?:, {_WIRE_DAY})?(?: \([^()]{{2,30}}\))?)\s+[-–—]{{1,2}}\s+"
    rf"(?P<rest>[A-Z\"“].*)$", re.S)


def place_dateline(text: str) -> tuple[str, str] | None:
    """(dateline, the text after it) when ``text`` opens on a place dateline, else None."""
    for pattern in (_GLUED_DATELINE, _WIRE_DATELINE):
        match = pattern.match(text.strip())
        if match and match.group("dateline").strip(" ,").lower() not in AGENCIES:
            return match.group("dateline").strip(), (match.group("rest") or "").strip()
    return None


def dateline_agency(dateline: str) -> str | None:
    """The agency a wire dateline names: "WASHINGTON (Reuters)" -> "Reuters"."""
    inside = dateline[dateline.find("(") + 1: dateline.rfind(")")] if "(" in dateline else ""
    return agency_line(inside) if inside else None


def byline(text: str) -> bool:
    if len(_WORDS.findall(text)) > 14 or TERMINAL.search(text):
        return False
    return bool(_BYLINE.match(text) or _NAMED_BYLINE.match(text) or _FOREIGN_BYLINE.match(text)
                or dated_byline(text))


# A name as a byline writes it alone: two to four capitalised words or initials ("Jane Smith", "J. R. Hartley",
# "Ursula von der Leyen"); a wire's place in capitals ("HONG KONG, 6 October 2016") is a dateline, not a name
_PERSON = re.compile(r"^(?:[A-Z][a-z][\w'’-]*|[A-Z]\.)"
                     r"(?: (?:[A-Z][a-z][\w'’-]*|[A-Z]\.|de|del|der|van|von|da|di|la|le|bin|al)){1,3}$")
_BYLINE_DATE_SEPARATOR = re.compile(r"\s*[,|•·]\s*|\s+[-–—]\s+|\s+(?=on\s)")


def dated_byline(text: str) -> tuple[str, str] | None:
    """(the byline, its ISO date) of a byline line that ends on its date ("Jane Smith, 6 October 2016", "By
    Jane Smith | October 6, 2016", "Posted by Jane Smith on October 6, 2016"), else None. Read as neither a
    byline nor a date line, such a line had been taken for a subhead: the article lost its date and its title."""
    for separator in _BYLINE_DATE_SEPARATOR.finditer(text):
        name, rest = text[: separator.start()], text[separator.end():]
        named = _PERSON.match(name) or _BYLINE.match(name) or _FOREIGN_BYLINE.match(name)
        if named and (day := date_line(rest)):
            return name, day
    return None


def meta_line(text: str) -> bool:
    """A line about the story rather than of it (a date, a time, a reading time, a byline): never its title."""
    return bool(date_line(text) or byline(text) or (len(text) <= 60 and _META_LINE.match(text)))


def caption_credit(text: str) -> str | None:
    """The credit of a photo caption ("AFP PHOTO", "Reuters", "Photo: John Doe"), else None."""
    for pattern in (_AGENCY_CREDIT, _NAMED_CREDIT):
        match = pattern.search(text)
        if match and (match.start() == 0 or len(_WORDS.findall(text[: match.start()])) >= 3):
            return match.group("credit").strip(" ()")
    return None


def headline_like(text: str) -> bool:
    """A teaser headline: 3-30 words, not a sentence ending in a full stop, not a list item."""
    n = len(_WORDS.findall(text))
    return 3 <= n <= 30 and not text.endswith((".", ",", ";", ":", "…")) and not text.startswith(("•", "* "))


def standfirst_like(text: str) -> bool:
    """A teaser standfirst: one or two sentences of 6-70 words."""
    n = len(_WORDS.findall(text))
    return 6 <= n <= 70 and not text.startswith(("•", "* ")) and not headline_like(text)


def teaser_runs(lines: list[str], min_pairs: int = 3) -> list[list[int]]:
    """Headline indexes of every run of >= ``min_pairs`` consecutive (headline, standfirst) pairs.

    Runs where most headlines are questions are left out: that is an FAQ, not a teaser list.
    """
    runs: list[list[int]] = []
    i = 0
    while i < len(lines) - 1:
        run = []
        j = i
        while j < len(lines) - 1 and headline_like(lines[j]) and standfirst_like(lines[j + 1]):
            run.append(j)
            j += 2
        questions = sum(lines[k].endswith("?") for k in run)
        if len(run) >= min_pairs and questions * 2 <= len(run):
            runs.append(run)
            i = j
        else:
            i += 1
    return runs
