"""``bench stories`` and ``bench summaries`` on held-out files as evaluators make them: repeated or missing
ids, numbers where text was expected, dates in other formats, gzip without its name, a BOM, broken rows.

Evaluators join the ``--dump`` on ids, so every input row must come back as one line, its id spelled as the
input spelled it, and be scored against its own gold story."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from click.testing import CliRunner

from newsdesk.bench.stories import load_events, load_uci, read_time, sniff_format
from newsdesk.cli import main

DAY = 1394409600000  # 2014-03-10 in epoch milliseconds, as UCI stamps its rows
HEADER = "ID\tTITLE\tURL\tPUBLISHER\tCATEGORY\tSTORY\tHOSTNAME\tTIMESTAMP"
ARTICLES = [
    ("Volcano erupts in Iceland", "A volcano erupted near Grindavik in Iceland, forcing the town to be evacuated."),
    ("Iceland volcano eruption continues", "The volcano near Grindavik in Iceland kept erupting on Tuesday."),
    ("Central bank raises interest rates", "The central bank raised interest rates by a quarter point to fight inflation."),
    ("Interest rates go up again", "Interest rates were raised by the central bank for the third time this year."),
]


def uci_row(item_id: str, title: str, story: str, stamp: object = DAY) -> str:
    return f"{item_id}\t{title}\thttp://x.example/{item_id}\tX\tb\t{story}\tx.example\t{stamp}"


def uci_file(tmp_path: Path, lines: list[str], name: str = "uci.tsv") -> Path:
    path = tmp_path / name
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def event(n: int, **fields: object) -> dict:
    title, text = ARTICLES[n % len(ARTICLES)]
    return {"id": f"a{n}", "event_id": n % len(ARTICLES) // 2, "title": title, "text": text * 3,
            "published": "2014-03-10T08:00:00Z", **fields}


def events_file(tmp_path: Path, records: list[dict], name: str = "events.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def bench(*args: object) -> tuple[int, str]:
    """Exit code and what the user sees (stdout and stderr, interleaved)."""
    result = CliRunner().invoke(main, ["bench", *map(str, args)])
    return result.exit_code, result.output


def stories(path: Path, dump: Path, *args: object) -> tuple[int, str, list[dict]]:
    code, output = bench("stories", path, "--no-trace", "--json", "--dump", dump, *args)
    rows = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return code, output, rows


def warnings_in(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("warning:")]


def dumped(dump: Path) -> list[list[str]]:
    return [line.split("\t") for line in dump.read_text(encoding="utf-8").splitlines()]


# -- 1. repeated, null and missing ids ---------------------------------------------------------------


def test_a_repeated_uci_id_is_its_own_item_with_its_own_gold_story(tmp_path):
    """The second row with id 1 overwrote the first's gold story and the two shared one dump line."""
    path = uci_file(tmp_path, [uci_row("1", *ARTICLES[0][:1], "dA"), uci_row("2", ARTICLES[1][0], "dA"),
                               uci_row("3", ARTICLES[2][0], "dB"), uci_row("1", ARTICLES[3][0], "dB")])
    dump = tmp_path / "out.tsv"
    code, output, rows = stories(path, dump)
    assert code == 0, output
    assert [row[0] for row in dumped(dump)] == ["1", "2", "3", "1"]
    newsdesk = next(row for row in rows if row["method"] == "newsdesk")
    assert newsdesk["items"] == 4 and newsdesk["gold_clusters"] == 2
    assert warnings_in(output) == ["warning: uci.tsv: 1 ids occur more than once (first: 1); each row is scored as its own item"]


def test_null_and_missing_event_ids_stand_for_their_line_numbers(tmp_path):
    """Four null ids all became the one item "None"; an empty id stays as spelled, a repeated one twice."""
    records = [event(0, id=None), event(1, id=None), event(2, id=""), event(3), event(4, id="a3")]
    del records[3]["id"]
    path = events_file(tmp_path, records)
    dump = tmp_path / "out.tsv"
    code, output, rows = stories(path, dump)
    assert code == 0, output
    assert [row[0] for row in dumped(dump)] == ["1", "2", "", "4", "a3"]
    assert next(row for row in rows if row["method"] == "newsdesk")["items"] == 5
    assert "3 records have a null or no id; their line numbers stand for them (first: line 1)" in output
    assert len(warnings_in(output)) == 1  # "4" and "a3" are not repeats


def test_an_events_file_without_any_ids_passes_quietly(tmp_path):
    records = [{k: v for k, v in event(n).items() if k != "id"} for n in range(4)]
    code, output, _ = stories(events_file(tmp_path, records), tmp_path / "out.tsv")
    assert code == 0 and not warnings_in(output), output
    assert [row[0] for row in dumped(tmp_path / "out.tsv")] == ["1", "2", "3", "4"]


def test_summaries_dump_every_record_of_a_repeated_id(tmp_path):
    path = events_file(tmp_path, [_summary("x"), _summary("y", 1), _summary("x", 2)], "sum.jsonl")
    code, output = bench("summaries", path, "--json", "--dump", tmp_path / "out.jsonl")
    assert code == 0, output
    written = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [row["id"] for row in written] == ["x", "y", "x"]
    assert written[0]["standfirst"] != written[2]["standfirst"]  # the third record's did not replace the first's
    assert warnings_in(output) == ['warning: sum.jsonl: 1 ids occur more than once (first: "x"); '
                                   'each row is scored as its own item']


# -- 2. summaries ids keep their JSON type -----------------------------------------------------------


def _summary(item_id: object, n: int = 0, **fields: object) -> dict:
    title, text = ARTICLES[n % len(ARTICLES)]
    return {"id": item_id, "title": title, "article": f"{text} Officials said more would follow.", "summary": text, **fields}


def test_summaries_dump_writes_each_id_back_with_its_json_type(tmp_path):
    """Int ids came back as strings, and 7 and "7" merged into one line."""
    path = events_file(tmp_path, [_summary(7), _summary("7", 1), _summary(7.0, 2), _summary(1, 3), _summary("007", 0)],
                       "sum.jsonl")
    code, output = bench("summaries", path, "--json", "--dump", tmp_path / "out.jsonl")
    assert code == 0, output
    ids = [json.loads(line)["id"] for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert ids == [7, "7", 7.0, 1, "007"] and [type(i) for i in ids] == [int, str, float, int, str]
    assert not warnings_in(output)


# -- 3. numbers and lists where text was expected ----------------------------------------------------


def test_events_with_epoch_dates_and_numeric_titles_are_read(tmp_path):
    """An epoch ``published`` and a numeric ``title`` crashed with a traceback."""
    stamp = 1394438400  # 2014-03-10T08:00:00Z
    records = [event(0, published=stamp), event(1, published=stamp * 1000 + 0.5), event(2, published=stamp + 0.5),
               event(3, title=2014, text=12345)]
    path = events_file(tmp_path, records)
    items = load_events(path).items
    assert [item.published[:19] for item in items[:3]] == ["2014-03-10T08:00:00"] * 3
    assert (items[3].headline, items[3].text) == ("2014", "12345")
    code, output, _ = stories(path, tmp_path / "out.tsv")
    assert code == 0 and not warnings_in(output), output


def test_summaries_read_a_list_of_summary_sentences_and_a_numeric_title(tmp_path):
    path = events_file(tmp_path, [_summary("a", 0, summary=["A volcano erupted.", "The town was evacuated."]),
                                  _summary("b", 2, title=12345)], "sum.jsonl")
    code, output = bench("summaries", path, "--json", "--dump", tmp_path / "out.jsonl")
    assert code == 0, output
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 2


# -- 4. dates in other formats -----------------------------------------------------------------------


def test_dates_in_rfc_2822_and_epoch_strings_are_times():
    assert read_time("Mon, 10 Mar 2014 08:00:00 +0000") == "2014-03-10T08:00:00+00:00"
    assert read_time("10 Mar 2014 08:00:00 -0000") == "2014-03-10T08:00:00+00:00"
    assert read_time("1394438400") == read_time("1394438400000") == read_time(1394438400) == "2014-03-10T08:00:00+00:00"
    assert read_time("1394409600000.0") == "2014-03-10T00:00:00+00:00"  # pandas' float column
    assert read_time("2014-03-10T08:00:00Z") == "2014-03-10T08:00:00Z"  # ISO 8601 kept as given
    assert read_time(None) is None and read_time(" ") is None


def test_an_unreadable_date_leaves_the_item_undated_with_one_warning(tmp_path):
    records = [event(0, published="Mon, 10 Mar 2014 08:00:00 +0000"), event(1, published="yesterday"),
               event(2, published="sometime"), event(3, published=None)]
    path = events_file(tmp_path, records)
    items = load_events(path).items
    assert items[0].published == "2014-03-10T08:00:00+00:00" and [i.published for i in items[1:]] == [None] * 3
    code, output, _ = stories(path, tmp_path / "out.tsv")
    assert code == 0, output
    assert warnings_in(output) == ["warning: events.jsonl: 2 of 4 dates not understood (first: 'yesterday'); "
                                   "those items are undated"]


# -- 5. --dump where it cannot be written -----------------------------------------------------------


def test_a_dump_into_a_missing_folder_fails_in_one_line_before_the_run(tmp_path, monkeypatch):
    import newsdesk.bench.stories as stories_bench
    import newsdesk.bench.summaries as summaries_bench

    def never(*args, **kwargs):
        raise AssertionError("computed before checking --dump")

    monkeypatch.setattr(stories_bench, "run_method", never)
    monkeypatch.setattr(summaries_bench, "evaluate", never)
    missing = tmp_path / "no" / "such" / "dir" / "out"
    code, output = bench("stories", events_file(tmp_path, [event(0)]), "--dump", missing)
    assert code == 1 and output.splitlines() == [f"Error: --dump {missing}: cannot write there: No such file or directory"]
    code, output = bench("summaries", events_file(tmp_path, [_summary("a")], "sum.jsonl"), "--dump", missing)
    assert code == 1 and output.splitlines() == [f"Error: --dump {missing}: cannot write there: No such file or directory"]


# -- 6. gzip by its bytes, not its name ---------------------------------------------------------------


def test_gzip_is_told_by_its_first_bytes_not_its_name(tmp_path):
    lines = [uci_row(str(n), title, "dA" if n < 2 else "dB") for n, (title, _) in enumerate(ARTICLES)]
    text = "".join(f"{line}\n" for line in lines).encode()
    (tmp_path / "zipped.tsv").write_bytes(gzip.compress(text))
    (tmp_path / "plain.tsv.gz").write_bytes(text)
    (tmp_path / "events.txt").write_bytes(gzip.compress(json.dumps(event(0)).encode() + b"\n"))
    assert sniff_format(tmp_path / "events.txt") == "events" and sniff_format(tmp_path / "zipped.tsv") == "uci"
    for name in ("zipped.tsv", "plain.tsv.gz"):
        code, output, _ = stories(tmp_path / name, tmp_path / "out.tsv")
        assert code == 0, output
        assert [row[0] for row in dumped(tmp_path / "out.tsv")] == ["0", "1", "2", "3"]
    (tmp_path / "sum.jsonl").write_bytes(gzip.compress(json.dumps(_summary("a")).encode() + b"\n"))
    code, output = bench("summaries", tmp_path / "sum.jsonl", "--json")
    assert code == 0, output


# -- 7. a UTF-8 BOM ------------------------------------------------------------------------------------


def test_a_byte_order_mark_is_not_part_of_the_first_id_nor_hides_json(tmp_path):
    bom = "\ufeff".encode()
    (tmp_path / "uci.tsv").write_bytes(bom + f"{uci_row('37950', ARTICLES[0][0], 'dA')}\n".encode())
    assert load_uci(tmp_path / "uci.tsv").items[0].id == "37950"
    (tmp_path / "events.jsonl").write_bytes(bom + (json.dumps(event(0)) + "\n").encode())
    assert sniff_format(tmp_path / "events.jsonl") == "events"
    code, output, _ = stories(tmp_path / "events.jsonl", tmp_path / "out.tsv")
    assert code == 0, output
    (tmp_path / "sum.jsonl").write_bytes(bom + (json.dumps(_summary("a")) + "\n").encode())
    code, output = bench("summaries", tmp_path / "sum.jsonl", "--json")
    assert code == 0, output


# -- 8. UCI rows without a time, with a float time, or broken ----------------------------------------


def test_uci_rows_without_a_time_stay_as_undated_items_and_broken_rows_are_counted(tmp_path):
    path = uci_file(tmp_path, [
        HEADER,
        uci_row("1", ARTICLES[0][0], "dA", f"{DAY}.0"),  # pandas writes floats when the column has gaps
        uci_row("2", ARTICLES[1][0], "dA", ""),
        "a line that is no row",
        uci_row("3", ARTICLES[2][0], "", DAY),  # no story: cannot be scored
        uci_row("4", ARTICLES[3][0], "dB", DAY),
    ])
    dataset = load_uci(path)
    assert [(i.id, i.published) for i in dataset.items] == [("1", "2014-03-10T00:00:00+00:00"), ("2", None),
                                                           ("4", "2014-03-10T00:00:00+00:00")]
    code, output, _ = stories(path, tmp_path / "out.tsv")
    assert code == 0, output
    assert [row[0] for row in dumped(tmp_path / "out.tsv")] == ["1", "2", "4"]
    assert warnings_in(output) == ["warning: uci.tsv: 2 rows passed over, too short or without a STORY (first: line 4)"]


def test_a_json_lines_file_read_as_uci_is_an_error_not_a_score(tmp_path):
    path = events_file(tmp_path, [event(n) for n in range(4)])
    code, output = bench("stories", path, "--format", "uci")
    assert code == 1 and len(output.splitlines()) == 1  # its commas split one JSON line into enough cells
    assert output.startswith(f"Error: {path}: cannot read as uci: ") and "of 4 rows are not UCI rows" in output


# -- 9. a null event_id -----------------------------------------------------------------------------


def test_a_null_event_id_is_a_gold_story_of_its_own_not_one_called_none(tmp_path):
    records = [event(0), event(1), event(2, event_id=None), event(3, event_id=None)]
    path = events_file(tmp_path, records)
    gold = load_events(path).gold
    assert gold["a0"] == gold["a1"] == "0" and len({gold["a2"], gold["a3"], "0"}) == 3
    code, output, rows = stories(path, tmp_path / "out.tsv")
    assert code == 0, output
    assert next(row for row in rows if row["method"] == "newsdesk")["gold_clusters"] == 3
    assert warnings_in(output) == ["warning: events.jsonl: 2 records have a null event_id; each is scored as a gold story "
                                   "of its own (first: line 3)"]


# -- 10. what is printed around errors ----------------------------------------------------------------


def test_a_bad_file_prints_only_its_error_and_try_format_only_without_format(tmp_path):
    good = events_file(tmp_path, [event(0)])
    (tmp_path / "empty.jsonl").write_text("\n")
    code, output = bench("stories", good, tmp_path / "empty.jsonl")
    assert code == 1 and output.splitlines() == [f"Error: {tmp_path / 'empty.jsonl'}: no events items found (try --format)"]
    code, output = bench("stories", tmp_path / "empty.jsonl", "--format", "events")
    assert code == 1 and output.splitlines() == [f"Error: {tmp_path / 'empty.jsonl'}: no events items found"]


def test_summaries_say_why_there_are_no_headline_rows(tmp_path):
    path = events_file(tmp_path, [{k: v for k, v in _summary("a").items() if k != "title"}], "sum.jsonl")
    code, output = bench("summaries", path)
    assert code == 0, output
    assert 'no headline rows: they need a "title" field' in output
    assert not any(line.startswith("headline ") for line in output.splitlines())


# -- the other runs still work with the new keys -------------------------------------------------------


def test_halves_live_and_mixed_runs_take_repeated_ids_and_null_events(tmp_path):
    records = [event(n, id="same", event_id=None if n == 5 else n % 4 // 2,
                     published=f"2014-0{3 + n % 2}-10T08:00:00Z") for n in range(8)]
    path = events_file(tmp_path, records)
    code, output, rows = stories(path, tmp_path / "out.tsv", "--halves", "--live", "6", "--mixed", "0.5")
    assert code == 0, output
    assert [row[0] for row in dumped(tmp_path / "out.tsv")] == ["same"] * 8  # the whole-file run only
    names = {row["dataset"] for row in rows}
    assert {"events.jsonl", "events.jsonl even ids", "events.jsonl odd ids", "events.jsonl live, 6 h runs",
            "events.jsonl, 50% cut to headlines"} <= names
    halves = {row["dataset"]: row["items"] for row in rows if row["method"] == "newsdesk"}
    assert halves["events.jsonl even ids"] + halves["events.jsonl odd ids"] == 7  # the event-less item is in neither
    uci = uci_file(tmp_path, [uci_row("1", title, "dA" if n < 2 else "dB", DAY + n % 2 * 86400000)
                              for n, (title, _) in enumerate(ARTICLES)])
    code, output, rows = stories(uci, tmp_path / "out.tsv", "--halves", "--live", "6")
    assert code == 0, output
    assert any(row["dataset"].endswith("cut per day") and row["items"] == 4 for row in rows)
    assert [row[0] for row in dumped(tmp_path / "out.tsv")] == ["1"] * 4


def test_summaries_read_each_article_in_its_own_language():
    """A QA pass: a Chinese record got an empty headline, as the bench gave the English compressor every text."""
    from newsdesk.bench.summaries import article_of
    from newsdesk.stories.headlines import write_headline

    chinese = article_of({"id": 1, "article": "中国第三季度经济增长率为百分之六，为近三十年来最低。\n\n分析人士认为，贸易战是主要原因。"},
                         with_title=False)
    assert chinese.language == "zh"
    assert write_headline(chinese).text.startswith("中国第三季度经济增长率")
