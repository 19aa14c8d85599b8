"""Full-text search over articles and teasers: bm25-ranked, highlighted, filtered and paged.

Ranking and snippets are two steps: the first ranks every match (cheap: bm25 only) and keeps one page;
only that page's rows are then highlighted. Computing snippets for every match before the LIMIT, as a
single query would, costs seconds on common words over 100k articles. Matches are marked with control
characters, not brackets, so a headline like "[COLUMNIST] …" is never mistaken for a match.

``ItemMeta`` keeps site, language and date of every searchable item in memory, keyed by full-text rowid.
Filtering full-text matches by site, language or date in SQL joins each match to its article row: on
100k articles a common word costs 10k random row reads (hundreds of milliseconds). The desk instead
keeps these three fields per item in a dict (about 150 bytes an item) and filters matches in Python.
Items only ever enter the full-text index with a new, larger rowid (re-indexing deletes and inserts),
so the cache catches up by reading rows above the largest rowid it has seen: an ingest running beside
the desk costs it only the new rows.

Chinese and Japanese put no spaces between words, and ``unicode61`` makes every run of letters between
punctuation one token: "统计" would only find an article whose whole run is "统计". The index therefore
stores each Chinese, Japanese or Korean character as a token of its own (``indexed`` puts a separator
between them) and a query word in those scripts becomes the phrase of its characters (``fts_query``), so
a word of any length matches wherever its characters stand together (Lucene's standard tokenizer, too,
makes each ideograph a token).
The alternatives were worse for a desk: overlapping bigrams would have to be stored as the indexed text,
and FTS5 highlights the text it indexed (Python's ``sqlite3`` cannot register a tokenizer that keeps the
original), so snippets would read "国家 家统 统计"; a second table with the ``trigram`` tokenizer cannot
MATCH the two-character words that are most Chinese words (it falls back to a scan) and would hold every
text twice. The separator is a control character that unicode61 skips and that the snippets drop again
(``readable``). A phrase reads the position lists of its characters, which costs more than one word on a
store of mostly Chinese text (a word in nearly all of 20,000 Chinese articles: about 40 ms); text in other
scripts is stored and searched exactly as before.

Greek is folded the same way: ``remove_diacritics`` folds Latin letters only, so "Βουλη" missed "Βουλή".
Greek is indexed and queried decomposed (NFD), where the tonos is a combining mark that unicode61 drops,
and snippets are composed again.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import string
import threading
import unicodedata

from newsdesk.records import utc_time
from newsdesk.words import WORD

# Private-use control characters cannot occur in stored text as markup, unlike "[" and "]", which real
# headlines contain ("[COLUMNIST] …"); search marks matches with these and the desk renders them.
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"

# Han (with the iteration marks), kana and Hangul syllables, and Thai, Lao, Myanmar and Khmer: scripts whose
# words are not spaced apart (a Thai headline's "ชาวนา", "farmers", had found nothing).
CJK = (
    "\u3005-\u3007\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3"
    "\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
)
CJK_JOINT = re.compile(rf"(?<=[{CJK}])(?=\w)|(?<=\w)(?=[{CJK}])")
# A Greek run with its combining marks, so that composing it again finds the marks beside their letters.
GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff][\u0300-\u036f\u0370-\u03ff\u1f00-\u1fff]*")
SEPARATOR = "\x1f"  # a control character: never in stored text, and not part of a token for unicode61


def indexed(text: str) -> str:
    """``text`` as the search index stores it: CJK characters apart, Greek decomposed (see the module)."""
    text = GREEK.sub(lambda m: unicodedata.normalize("NFD", m[0]), text)
    return CJK_JOINT.sub(SEPARATOR, text)


def readable(text: str | None) -> str | None:
    """Stored index text (a title, a snippet) as it was before ``indexed``."""
    if not text:
        return text
    return GREEK.sub(lambda m: unicodedata.normalize("NFC", m[0]), text.replace(SEPARATOR, ""))


def phrase(words: str) -> str:
    """Words as one quoted FTS5 phrase, in the form ``indexed`` stores them."""
    return f'"{indexed(words)}"'


MAX_QUERY_TERMS = 32


def fts_query(text: str) -> str:
    """A user's query as an FTS5 query; never an FTS syntax error. Words and quoted phrases are AND-ed;
    ``OR`` between two of them makes either do (``Apple OR Samsung Galaxy`` is (Apple or Samsung) and
    Galaxy); ``-word`` or ``NOT word`` leaves out what holds it; ``word*`` matches any word it begins
    (``Ukrain*``); parentheses and ``AND`` are read as the default. Anything else is a word: FTS5's own
    syntax and column filters are not passed through. Blank text is no words (""); text holding no word
    ("🎉", "(") is refused with a ValueError, as is a query of words to leave out only."""
    # composed, so that a Greek word typed with combining accents is still one \w+ word
    text = unicodedata.normalize("NFC", text)
    groups: list[list[str]] = []  # AND-ed groups of OR-ed terms
    excluded: list[str] = []
    join, negate = False, False
    for token in re.findall(r'-?"[^"]*"?|[^\s"]+', text):
        if token == "OR":
            join = bool(groups)
            continue
        if token in ("AND", "NOT"):
            negate = token == "NOT"
            continue
        token = token.strip("()")
        if token.startswith("-") and len(token) > 1:
            negate, token = True, token[1:]
        if token.startswith('"'):
            words = " ".join(WORD.findall(token))
            term = phrase(words) if words else None
        else:  # a word of any script, with its vowel signs; "U.S." is the phrase of its parts
            words = " ".join(WORD.findall(token))
            term = phrase(words) if words else None
            if term and token.endswith("*"):  # a prefix: FTS5's "alep" *
                term += " *"
        if term is None:  # "-…" or NOT before no word at all: the next word is not left out for it
            negate = False
            continue
        if negate:
            excluded.append(term)
        elif join:
            groups[-1].append(term)
        else:
            groups.append([term])
        join, negate = False, False
    if excluded and not groups:
        raise ValueError("a query needs a word to look for, not only words to leave out (-word, NOT word)")
    if not groups:  # only operator words ("AND OR"): they are what the user looks for
        groups = [[phrase(w)] for w in WORD.findall(text)]
    if not groups and text.strip():
        # "🎉" or "(" matches nothing; searching without words would list whatever the filters keep as hits
        raise ValueError("the query has no word to search for")
    # A term said twice finds nothing more, but the cost of FTS5's snippets grows steeply with the number of
    # terms (250 times "t*" kept the server busy for 141 s): each is kept once, and only so many are taken.
    groups = [list(group) for group in dict.fromkeys(tuple(dict.fromkeys(group)) for group in groups)]
    excluded = list(dict.fromkeys(excluded))
    if sum(map(len, groups)) + len(excluded) > MAX_QUERY_TERMS:
        raise ValueError(f"a query of more than {MAX_QUERY_TERMS} different words or phrases; use fewer")
    query = " AND ".join(f"({' OR '.join(group)})" if len(group) > 1 else group[0] for group in groups)
    return f"{query} NOT ({' OR '.join(excluded)})" if excluded else query


RANK = "bm25(search, 0, 0, 8.0, 1.0, 0.5)"  # title over body over site
# bm25 costs a few microseconds per match; a word in most of 100k articles would take 300+ ms to rank.
RANK_DEPTH = 10_000
JOINS = "LEFT JOIN articles a ON a.id = s.item_id LEFT JOIN teasers t ON t.id = s.item_id"


@functools.lru_cache(maxsize=65_536)  # a scan of the names folds the same few thousand names on every search
def fold(text: str) -> str:
    """``text`` as names are compared: decomposed, without its accents, case-folded ("Zürich" is "zurich")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def anywhere(text: str) -> str:
    """A LIKE pattern (``ESCAPE '\\'``) for ``text`` anywhere in a value: "%" and "_" in it are themselves."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def folded_like(column: str) -> str:
    """An SQL test that ``column``, folded, is LIKE a folded pattern (given twice). LIKE folds the case of ASCII
    letters itself, so only a value holding other characters (more bytes than characters) is folded in Python:
    folding every value would make a scan of the names several times slower."""
    return (f"({column} LIKE ? ESCAPE '\\' OR (length({column}) < length(CAST({column} AS BLOB)) "
            f"AND fold({column}) LIKE ? ESCAPE '\\'))")


def resolve_names(db: sqlite3.Connection, table: str, name: str, label: str | None = None) -> list[str]:
    """Stored names a user's words mean: the exact name (any case) if known; else, for places, the names a
    text wrote as those words ("UK" and "Britain" are stored as United Kingdom, "Kiev" as Kyiv); else names
    holding them as whole words ("Kerry" is John Kerry; "UK" is not Ukraine, nor Timbuktu). One word of a
    name means the names holding it even when some text named the person by it alone: "Obama" is Barack
    Obama too (it had found 4 of 24 articles, those that wrote "Obama" only). Past the exact name, which the
    index finds as stored, accents and case are ignored on both sides: "Zurich" is Zürich, "São Paulo" Sao
    Paulo. ``name`` must hold a word (``find`` refuses one without): no letters would match any name."""
    name = name.strip()
    extra, params = ("AND label = ?", [label]) if label else ("", [])
    exact = [
        r[0]
        for r in db.execute(f"SELECT DISTINCT name FROM {table} WHERE name = ? COLLATE NOCASE {extra}", [name, *params])
    ]
    if exact and not (table == "entities" and len(name.split()) == 1):
        return exact
    db.create_function("fold", 1, fold, deterministic=True)
    folded = fold(name)
    if table == "places":  # mentions are JSON [[start, end, "as written"]]
        written_as = anywhere(json.dumps(folded, ensure_ascii=False) + "]")
        written = [r[0] for r in db.execute(
            f"SELECT DISTINCT name FROM places WHERE {folded_like('mentions')} LIMIT 50", [written_as] * 2)]
        if written:
            return written
    whole = re.compile(rf"(?<!\w){re.escape(folded)}(?!\w)")
    holding = [
        r[0]
        for r in db.execute(
            f"SELECT DISTINCT name FROM {table} WHERE {folded_like('name')} {extra} LIMIT 500",
            [anywhere(folded)] * 2 + params,
        )
        if whole.search(fold(r[0]))
    ]
    return list(dict.fromkeys(exact + holding))[:50]


def find(
    db: sqlite3.Connection,
    query: str = "",
    *,
    site: str | None = None,
    language: str | None = None,
    person: str | None = None,
    place: str | None = None,
    since: str | None = None,
    until: str | None = None,
    kind: str | None = None,
    limit: int = 20,
    offset: int = 0,
    meta: ItemMeta | None = None,
) -> dict:
    """One page of hits with the total; ``title_hl`` and ``snippet`` carry MARK_OPEN/MARK_CLOSE.

    With ``meta`` (the desk's in-memory item metadata), site, language and date filters on matched
    words run in Python instead of joining every match to its row; the results are the same.

    ``ranked_newest`` is set when the words match more than RANK_DEPTH items: only the newest that many
    are ranked (and counted, if filters apply), which keeps a search for "said" on a big desk fast.
    """
    since, until = utc_time(since), until_bound(utc_time(until))  # stored times with an offset are in UTC
    match = fts_query(query)
    if match and site and re.search(r"\w", site):
        # The site is also an indexed FTS column: narrowing there first spares joining every match.
        site_words = " ".join(WORD.findall(site))
        match = f"({match}) AND site : {phrase(site_words)}"
    where, params = (["search MATCH ?"], [match]) if match else ([], [])
    joined = []  # conditions on the article or teaser row, which need the join
    if site:
        # Sites are named as their pages spell them ("Wikinews", "BBC News"); a user types any case. No index
        # covers site (matches are joined to their rows by id), so the collation costs no index use.
        joined.append(("coalesce(a.site, t.site, a.agency) = ? COLLATE NOCASE", (site,)))
    if language:
        joined.append(("coalesce(a.language, t.language) = ? COLLATE NOCASE", (language,)))
    if since:
        # an item dated by its day alone may be from any hour of it: "since 6 Oct 12:00" keeps "6 Oct"
        joined.append(("(coalesce(a.published, t.published) >= ? OR coalesce(a.published, t.published) = ?)",
                       (since, since[:10])))
    if until:
        joined.append(("coalesce(a.published, t.published) < ?", (until,)))
    if kind:
        where.append("s.kind = ?")
        params.append(kind)
    resolved: dict[str, list[str]] = {}
    for key, value, table, label in (("person", person, "entities", "PERSON"), ("place", place, "places", None)):
        if not value:
            continue
        if not WORD.search(value):  # "%" or " " would be held by every name
            raise ValueError(f"the {key} {value!r} has no word to search for")
        names = resolved[key] = resolve_names(db, table, value, label)
        marks = ",".join("?" * len(names)) or "NULL"
        where.append(f"s.item_id IN (SELECT article_id FROM {table} WHERE name IN ({marks}))")
        params += names
    if not where and not joined:
        return {"hits": [], "total": 0, "resolved": resolved, "ranked_newest": None}
    try:
        ranked_newest = None
        if match:
            matches = db.execute("SELECT count(*) FROM search WHERE search MATCH ?", (match,)).fetchone()[0]
            if matches > RANK_DEPTH:
                floor = db.execute(
                    "SELECT rowid FROM search WHERE search MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                    (match, RANK_DEPTH - 1),
                ).fetchone()[0]
                where.append("s.rowid >= ?")
                params.append(floor)
                ranked_newest = RANK_DEPTH
        if match and joined and meta is not None:
            rows = meta.current(db)
            # Only rowid and score per match: reading each match's item id would cost more than ranking.
            cursor = db.cursor()
            cursor.row_factory = None
            scored = cursor.execute(
                f"SELECT s.rowid, {RANK} FROM search s WHERE {' AND '.join(where)}", params
            ).fetchall()
            kept = sorted((score, rid) for rid, score in scored if keep(rows.get(rid), site, language, since, until))
            chosen = [rid for _, rid in kept[offset : offset + limit]]
            found = {
                r["rid"]: r
                for r in db.execute(
                    f"SELECT rowid AS rid, item_id, kind FROM search WHERE rowid IN ({','.join('?' * len(chosen))})",
                    chosen,
                )
            }
            total, page = len(kept), [found[rid] for rid in chosen if rid in found]
            return _finish(db, page, match, total, resolved, ranked_newest)
        where += [condition for condition, _ in joined]
        params += [value for _, values in joined for value in values]
        # Ordering by date (no words given) or filtering on the item's row needs the item joined.
        joins = JOINS if joined or not match else ""
        base = f"FROM search s {joins} WHERE {' AND '.join(where)}"
        if match and len(where) == 1 + bool(ranked_newest):
            # Words alone: the match count is the total, and SQLite keeps only the top rows while ranking.
            total = matches
            page = db.execute(
                f"SELECT s.rowid AS rid, s.item_id, s.kind {base} ORDER BY {RANK}, s.rowid LIMIT ? OFFSET ?",
                [*params, limit, offset],
            ).fetchall()
        else:
            key, direction = (RANK, "") if match else ("coalesce(a.published, t.published)", "DESC")
            # The window count rides along with the ranking, which visits every filtered match anyway.
            page = db.execute(
                f"""SELECT rid, item_id, kind, count(*) OVER () AS total
                    FROM (SELECT s.rowid AS rid, s.item_id, s.kind, {key} AS sort_key {base})
                    ORDER BY sort_key {direction}, rid LIMIT ? OFFSET ?""",
                [*params, limit, offset],
            ).fetchall()
            total = (
                page[0]["total"]
                if page
                else (db.execute(f"SELECT count(*) {base}", params).fetchone()[0] if offset else 0)
            )
    except sqlite3.OperationalError as exc:  # an FTS5 syntax the quoting did not foresee
        raise ValueError(f"cannot search for {query!r}: {exc}") from exc
    return _finish(db, page, match, total, resolved, ranked_newest)


def _finish(
    db: sqlite3.Connection, page: list, match: str, total: int, resolved: dict, ranked_newest: int | None
) -> dict:
    hits = [{"item_id": r["item_id"], "kind": r["kind"], "rid": r["rid"]} for r in page]
    _add_snippets(db, hits, match)
    _add_metadata(db, hits)
    for hit in hits:
        hit.pop("rid")
    return {"hits": hits, "total": total, "resolved": resolved, "ranked_newest": ranked_newest}


def _add_snippets(db: sqlite3.Connection, hits: list[dict], match: str) -> None:
    if not hits:
        return
    rowids = [h["rid"] for h in hits]
    marks = ",".join("?" * len(rowids))
    if match:
        # A snippet is counted in tokens, and a CJK character is one: 24 of them would say little.
        tokens = 48 if re.search(f"[{CJK}]", match) else 24
        rows = db.execute(
            f"""SELECT rowid, highlight(search, 2, ?, ?) AS title_hl, snippet(search, 3, ?, ?, '…', ?) AS snippet
                FROM search WHERE search MATCH ? AND rowid IN ({marks})""",
            [MARK_OPEN, MARK_CLOSE, MARK_OPEN, MARK_CLOSE, tokens, match, *rowids],
        )
    else:
        rows = db.execute(
            f"SELECT rowid, title AS title_hl, substr(body, 1, 240) AS snippet FROM search WHERE rowid IN ({marks})",
            rowids,
        )
    found = {r["rowid"]: r for r in rows}
    for hit in hits:
        row = found.get(hit["rid"])
        hit["title_hl"] = readable(row["title_hl"]) if row else None
        hit["snippet"] = readable(row["snippet"]) if row else None


def _add_metadata(db: sqlite3.Connection, hits: list[dict]) -> None:
    ids = [h["item_id"] for h in hits]
    if not ids:
        return
    marks = ",".join("?" * len(ids))
    meta = {
        r["id"]: dict(r)
        for r in db.execute(
            f"""SELECT id, headline, standfirst, site, published, language, story_id FROM articles WHERE id IN ({marks})
            UNION ALL
            SELECT id, headline, standfirst, site, published, NULL, story_id FROM teasers WHERE id IN ({marks})""",
            ids + ids,
        )
    }
    for hit in hits:
        hit.update(meta.get(hit["item_id"], {}))
        hit.pop("id", None)


class ItemMeta:
    def __init__(self) -> None:
        self._rows: dict[int, tuple[str | None, str | None, str | None]] = {}
        self._seen = 0
        self._lock = threading.Lock()

    def current(self, db: sqlite3.Connection) -> dict[int, tuple[str | None, str | None, str | None]]:
        """rowid → (site, language, published), up to date with the store ``db`` reads."""
        newest = db.execute("SELECT max(rowid) FROM search").fetchone()[0] or 0
        if newest > self._seen:
            with self._lock:
                if newest > self._seen:
                    rows = db.execute(
                        """SELECT s.rowid, coalesce(a.site, t.site, a.agency), coalesce(a.language, t.language),
                                  coalesce(a.published, t.published)
                           FROM search s LEFT JOIN articles a ON a.id = s.item_id
                           LEFT JOIN teasers t ON t.id = s.item_id
                           WHERE s.rowid > ? AND s.rowid <= ?""",
                        (self._seen, newest),
                    )
                    # Readers only look rows up, so adding under the GIL while they do is safe.
                    for rowid, site, language, published in rows:
                        self._rows[rowid] = (site, language, published)
                    self._seen = newest
        return self._rows


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def nocase(text: str) -> str:
    """Text as SQLite's NOCASE collation compares it (ASCII letters folded, nothing else), so the in-memory
    filter keeps exactly what the SQL one does."""
    return text.translate(_ASCII_LOWER)


def until_bound(until: str | None) -> str | None:
    """The exclusive upper bound of ``until``: a bare day includes itself, as the front page's ``until`` does
    ("until 6 Oct" keeps 6 Oct's items); a time is the first instant left out."""
    return until + "\uffff" if until and len(until) == 10 else until


def keep(
    meta: tuple[str | None, str | None, str | None] | None,
    site: str | None,
    language: str | None,
    since: str | None,
    until: str | None,
) -> bool:
    """Whether an item passes the filters: the same tests as the SQL ``coalesce(...)`` conditions."""
    if meta is None:
        return False
    item_site, item_language, published = meta
    if site and (item_site is None or nocase(item_site) != nocase(site)):
        return False
    if language and (item_language is None or nocase(item_language) != nocase(language)):
        return False
    if since and (published is None or (published < since and published != since[:10])):
        return False
    return not (until and (published is None or published >= until))
