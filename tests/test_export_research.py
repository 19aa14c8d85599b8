"""Exports as a researcher or humanitarian monitor loads them: a QA pass found figures that could not be totalled
without double counting (no id, no qualifier, no story-level toll), stories that looked dated by the ingest clock,
Parquet files whose schema changed with the data (two stores' exports would not concatenate), and an
``--include-duplicates`` that did nothing for most tables and left the copies it added without a story."""

from __future__ import annotations

import csv
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import SEED

from newsdesk.cli import main
from newsdesk.store.queries import EXPORT_COLUMNS, EXPORTS

MORE = ("Rescue teams searched the mud for survivors along the Wadi Derna riverbed as water receded. Two dams "
        "above the city burst after Storm Daniel dumped heavy rain on eastern Libya, sweeping whole "
        "neighbourhoods into the sea. Aid agencies sent tents, food and medical teams to the city.")
RAISED = "The floods killed 2,000 people in Derna on Monday, the Red Crescent said on Tuesday. " + MORE
FLOOD = [  # the toll raised on the second day, and that report run again by another site
    {"url": "https://wire.example/derna-1", "published": "2023-09-11T18:00:00Z",
     "title": "Libya floods kill 150 in Derna",
     "text": "Floods killed at least 150 people in Derna on Monday, the Red Crescent said. " + MORE},
    {"url": "https://wire.example/derna-2", "published": "2023-09-12T09:00:00Z",
     "title": "Derna flood toll rises to 2,000", "text": RAISED},
    {"url": "https://daily.example/world/derna-toll", "published": "2023-09-12T11:00:00Z",
     "title": "Derna flood toll rises to 2,000", "text": RAISED},
]
UNDATED = [{"url": "https://blog.example/parish-fete", "title": "Parish fete raises funds for church roof",
            "text": "The annual parish fete raised money for the church roof, organisers said. Stalls sold cakes, "
                    "plants and books, and a brass band played on the green through the afternoon."}]


def json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """Two stores: the flood with its copy and an undated article, and the undated article alone (no figures,
    no published dates: the columns that were typed null)."""
    folder = tmp_path_factory.mktemp("stores")
    paths = {}
    for name, reports in (("flood", FLOOD + UNDATED), ("fete", UNDATED)):
        source = folder / f"{name}.jsonl"
        source.write_text("".join(json.dumps(report) + "\n" for report in reports), encoding="utf-8")
        paths[name] = folder / f"{name}.db"
        result = CliRunner().invoke(main, ["--db", str(paths[name]), "ingest", str(source)])
        assert result.exit_code == 0, result.output
    return paths


def export(db, table: str, *options: str):
    return CliRunner().invoke(main, ["--db", str(db), "export", "--table", table, *options])


def rows_of(db, table: str, *options: str) -> list[dict]:
    result = export(db, table, *options)
    assert result.exit_code == 0, result.output
    return json_lines(result.stdout)


def test_summing_the_latest_report_of_each_toll_counts_the_flood_once(stores):
    figures = rows_of(stores["flood"], "figures")
    killed = [f for f in figures if f["category"] == "killed"]
    assert sorted((f["text"], f["qualifier"], f["low"], f["high"]) for f in killed) == [
        ("2,000", "=", 2000.0, 2000.0), ("at least 150", ">=", 150.0, None)]
    # the syndicated copy adds no row: facts are of canonical articles only
    assert len({f["figure_id"] for f in figures}) == len(figures)
    assert all(f["figure_id"].startswith("f") for f in figures)
    (group,) = {f["toll_group"] for f in killed}
    assert group.startswith(killed[0]["story_id"] + ":")
    assert sum(f["low"] for f in killed if f["latest_in_group"]) == 2000
    assert [f["text"] for f in killed if f["latest_in_group"]] == ["2,000"]
    # the ids hold from one export to the next
    assert [f["figure_id"] for f in rows_of(stores["flood"], "figures")] == [f["figure_id"] for f in figures]


def test_a_figures_place_carries_its_country_and_coordinates(stores):
    """A monitor grouping tolls by place could not tell Tripoli in Lebanon from Tripoli in Libya: the
    figures table gave a bare name. Each figure now carries its place as the article's places row has it."""
    figures = rows_of(stores["flood"], "figures")
    places = {(p["article_id"], p["name"]): p for p in rows_of(stores["flood"], "places")}
    placed = [f for f in figures if f["place"]]
    assert placed and all("Derna" in f["place"] and f["place_country"] == "LY" for f in placed)
    for figure in placed:
        place = places[(figure["article_id"], figure["place"])]
        assert (figure["place_lat"], figure["place_lon"], figure["place_geonameid"]) == (
            place["lat"], place["lon"], place["geonameid"])


def test_toll_groups_are_the_storys_reconciled_tolls(stores):
    figures = rows_of(stores["flood"], "figures")
    story_id = figures[0]["story_id"]
    result = CliRunner().invoke(main, ["--db", str(stores["flood"]), "facts", story_id, "--json"])
    reconciled = json.loads(result.stdout)["reconciled_figures"]
    latest = sorted((f["category"], f["article_id"], f["text"]) for f in figures if f["latest_in_group"])
    assert latest == sorted((g["category"], g["latest"]["article_id"], g["latest"]["text"]) for g in reconciled)
    assert len({f["toll_group"] for f in figures}) == len(reconciled)


def test_stories_say_what_their_times_rest_on(stores):
    stories = {s["headline"]: s for s in rows_of(stores["flood"], "stories")}
    assert stories["Parish fete raises funds for church roof"]["time_basis"] == "ingested"
    flood = next(s for headline, s in stories.items() if "Derna" in headline)
    assert flood["time_basis"] == "published"
    csv_rows = list(csv.DictReader(io.StringIO(export(stores["flood"], "stories", "--format", "csv").stdout)))
    assert {row["time_basis"] for row in csv_rows} == {"ingested", "published"}


def test_duplicates_carry_their_canonical_articles_story(stores):
    articles = rows_of(stores["flood"], "articles", "--include-duplicates")
    (copy,) = [a for a in articles if a["duplicate_of"]]
    canonical = next(a for a in articles if a["id"] == copy["duplicate_of"])
    assert copy["url"] == "https://daily.example/world/derna-toll"
    assert copy["story_id"] and copy["story_id"] == canonical["story_id"]
    assert copy["id"] not in {a["id"] for a in rows_of(stores["flood"], "articles")}


def test_include_duplicates_is_refused_where_it_would_do_nothing(stores):
    assert "articles and teasers only" in " ".join(CliRunner().invoke(main, ["export", "--help"]).output.split())
    for table in ("stories", "entities", "places", "dates", "figures"):
        result = export(stores["flood"], table, "--include-duplicates")
        assert result.exit_code == 2 and "articles and teasers only" in result.output, table
    assert export(stores["flood"], "teasers", "--include-duplicates").exit_code == 0


def csv_text(value) -> str:
    """A JSON value as the CSV export writes it."""
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else str(value)


# JSON Lines reports carry no teasers (test_cli exports the seed page's); their empty export is typed below
@pytest.mark.parametrize("table", [table for table in EXPORTS if table != "teasers"])
def test_the_three_formats_agree(stores, tmp_path, table):
    db = stores["flood"]
    rows = rows_of(db, table)
    assert rows and all(list(row) == [name for name, _ in EXPORT_COLUMNS[table]] for row in rows)
    assert export(db, table, "--format", "parquet", "-o", str(tmp_path / "t.parquet")).exit_code == 0
    assert pq.read_table(tmp_path / "t.parquet").to_pylist() == rows
    written = export(db, table, "--format", "csv").stdout
    assert list(csv.DictReader(io.StringIO(written))) == [{k: csv_text(v) for k, v in row.items()} for row in rows]


@pytest.mark.parametrize("table", EXPORTS)
def test_parquet_exports_of_two_stores_concatenate(stores, tmp_path, table):
    tables = []
    for name, db in stores.items():
        assert export(db, table, "--format", "parquet", "-o", str(tmp_path / f"{name}.parquet")).exit_code == 0
        tables.append(pq.read_table(tmp_path / f"{name}.parquet"))
    assert tables[0].schema == tables[1].schema
    assert not any(pa.types.is_null(field.type) for field in tables[0].schema)
    joined = pa.concat_tables(tables)
    assert joined.num_rows == sum(t.num_rows for t in tables)
    if table == "figures":  # the fete store has none: the flood's figures keep their types
        assert tables[1].num_rows == 0 and joined.schema.field("latest_in_group").type == pa.bool_()
        assert joined.schema.field("subgroups").type == pa.list_(pa.string())


def test_summing_the_latest_rows_leaves_out_the_attackers_and_a_corrected_toll(tmp_path):
    """A monitor's QA pass: the README's sum of the latest killed rows added the attackers' own dead to their
    victims', and took a toll the report itself said was revised down."""
    reports = [{"url": "https://wire.example/peshawar", "published": "2024-05-14T10:00:00Z",
                "title": "Gunmen attack police post in Peshawar",
                "text": "Gunmen killed two police officers and three of the attackers were killed in the ensuing "
                        "gunfight in Peshawar on Tuesday, police said. The gunmen had stormed the post before dawn."},
               {"url": "https://wire.example/bus", "published": "2024-06-20T10:00:00Z",
                "title": "Bus crash toll revised",
                "text": "The death toll, initially put at 12, was later revised down to 9 by the ministry. The bus "
                        "had left the mountain road in heavy rain and rolled into a ravine, officials said."}]
    source = tmp_path / "peshawar.jsonl"
    source.write_text("".join(json.dumps(report) + "\n" for report in reports), encoding="utf-8")
    db = tmp_path / "desk.db"
    assert CliRunner().invoke(main, ["--db", str(db), "ingest", str(source)]).exit_code == 0
    killed = [f for f in rows_of(db, "figures") if f["category"] == "killed"]
    counted = sorted(f["low"] for f in killed if f["latest_in_group"] and not f["perpetrators"])
    assert counted == [2, 9]
    assert [f["low"] for f in killed if f["perpetrators"]] == [3]
    assert [f["low"] for f in killed if f["replaced"]] == [12]


def test_a_time_span_leaves_out_undated_stories_and_a_site_may_be_an_agency(stores, tmp_path):
    """A documentation audit: `export --table stories --since D` kept every undated story (its span is when
    newsdesk read it, which is after any D), and `export --site AFP` found nothing where search finds the
    seed's AFP story."""
    since = [s["headline"] for s in rows_of(stores["flood"], "stories", "--since", "2023-09-01")]
    assert since and not any("Parish fete" in headline for headline in since)
    assert any("Parish fete" in s["headline"] for s in rows_of(stores["flood"], "stories"))
    db = tmp_path / "seed.db"
    assert CliRunner().invoke(main, ["--db", str(db), "ingest", str(SEED)]).exit_code == 0
    assert [a["agency"] for a in rows_of(db, "articles", "--site", "afp")] == ["AFP"]


def test_relative_dates_count_from_the_day_where_the_report_was_published(tmp_path):
    """A library user's QA pass: a Baghdad report of 01:30 on Thursday 6 October (+03:00) is stored at 22:30 UTC
    on the 5th, and the store's facts counted from that day: "today" the 5th, "Thursday" 29 September."""
    page = tmp_path / "baghdad.html"
    page.write_text(
        "<html><head><title>Blast kills 20 in Baghdad market</title>"
        "<meta property='article:published_time' content='2016-10-06T01:30:00+03:00'></head><body><article>"
        "<h1>Blast kills 20 in Baghdad market</h1><p>BAGHDAD — A car bomb killed 20 people at a busy market in "
        "Baghdad today, police said, in the deadliest attack in the Iraqi capital this month.</p><p>The explosion "
        "struck the Jamila market in the east of the city yesterday evening, a police officer told reporters.</p>"
        "<p>The Islamic State group claimed responsibility for the bombing in a statement posted online on "
        "Thursday. The prime minister condemned the attack and ordered an investigation.</p></article></body></html>",
        encoding="utf-8")
    db = tmp_path / "desk.db"
    assert CliRunner().invoke(main, ["--db", str(db), "ingest", str(page)]).exit_code == 0
    dates = {row["text"]: row["value"] for row in map(json.loads, export(db, "dates").output.splitlines())}
    assert (dates["today"], dates["yesterday"], dates["Thursday"]) == ("2016-10-06", "2016-10-05", "2016-10-06")
    [figure] = [json.loads(line) for line in export(db, "figures").output.splitlines()]
    assert (figure["low"], figure["time"], figure["published"]) == (20, "2016-10-06", "2016-10-05T22:30:00Z")
