"""The SVG charts: well-formed, accessible, labelled with their numbers, and safe with hostile labels.

Pure functions: no database needed.
"""

import xml.etree.ElementTree as ET

from reports.charts import (
    RAG_SERIES,
    Series,
    for_every_width,
    progress_bar_svg,
    rag_by_agency_svg,
    stacked_bar_chart,
    status_by_report_svg,
)

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg):
    return [el.text for el in ET.fromstring(svg).iter(f"{SVG}text") if el.text]


def test_a_stacked_bar_chart_parses_as_svg_with_a_title_and_description():
    svg = stacked_bar_chart(
        [("Social Work", {"a": 2, "b": 3})], [("a", "Apples", "#b10e1e"), ("b", "Bananas", "#ffdd00")], title="Fruit"
    )
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Fruit"
    assert root.find(f"{SVG}desc").text == "Fruit. Social Work: 5 actions (2 apples, 3 bananas)."
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id


def test_it_writes_the_labels_counts_and_totals_as_text():
    svg = rag_by_agency_svg([("Social Work", {"red": 2, "green": 6}), ("Health", {"amber": 1, "complete": 3})])
    words = texts(svg)
    assert "Social Work" in words and "Health" in words
    assert "R 2" in words and "G 6" in words and "C 3" in words
    assert "8" in words and "4" in words  # row totals
    assert "Red (R): 2" in words and "Amber (A): 1" in words  # legend with totals


def test_the_status_chart_describes_each_report_in_words():
    svg = status_by_report_svg([("Laming 2009", {"not_started": 3, "in_progress": 5, "complete": 4})])
    desc = ET.fromstring(svg).find(f"{SVG}desc").text
    assert "Laming 2009: 12 actions (3 not started, 5 in progress, 4 complete)." in desc


def test_rag_segments_use_the_stylesheet_colours_and_patterns_for_greyscale():
    svg = rag_by_agency_svg([("Police", {"red": 4, "green": 4})])
    assert "#b10e1e" in svg and "#00703c" in svg
    root = ET.fromstring(svg)
    patterns = [p.get("id") for p in root.iter(f"{SVG}pattern")]
    assert any(pid.endswith("-red") for pid in patterns)


def test_it_escapes_a_hostile_label():
    svg = rag_by_agency_svg([("<script>", {"red": 1})], title='Agencies & "friends"')
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    root = ET.fromstring(svg)
    assert "<script>" in texts(svg)
    assert "<script>: 1 action (1 red)." in root.find(f"{SVG}desc").text
    assert root.find(f"{SVG}title").text == 'Agencies & "friends"'
    assert not list(root.iter("script")) and not list(root.iter(f"{SVG}script"))


def test_empty_data_gives_a_chart_that_says_no_actions():
    for svg in (rag_by_agency_svg([]), status_by_report_svg([("Laming 2009", {})])):
        root = ET.fromstring(svg)
        assert texts(svg) == ["No actions"]
        assert root.get("role") == "img"


def test_rows_can_be_given_as_a_mapping_and_series_as_series_objects():
    svg = stacked_bar_chart({"A": {"x": 1}}, [Series("x", "Ex", "#1d4f91", "dots")], title="T")
    assert "A" in texts(svg)
    assert "1" in texts(svg)


def test_two_charts_on_one_page_do_not_share_ids():
    first = rag_by_agency_svg([("Police", {"red": 1})])
    second = rag_by_agency_svg([("Health", {"red": 1})])
    assert ET.fromstring(first).get("aria-labelledby") != ET.fromstring(second).get("aria-labelledby")


def test_a_long_label_is_shortened_with_its_full_text_kept_as_a_tooltip():
    label = "Performance and Audit Sub Group of the Child Protection Committee"
    svg = rag_by_agency_svg([(label, {"green": 1})], label_width=120)
    assert label not in texts(svg)
    assert any(t.endswith("…") for t in texts(svg))
    assert label in [el.text for el in ET.fromstring(svg).iter(f"{SVG}title")]


def test_a_narrow_segment_still_shows_its_count_or_is_described():
    svg = stacked_bar_chart(
        [("Row", {"green": 200, "tiny": 1})], [RAG_SERIES[2], ("tiny", "Tiny", "#b10e1e")], title="T"
    )
    assert "Row: 201 actions (200 green, 1 tiny)." in ET.fromstring(svg).find(f"{SVG}desc").text
    assert "Tiny (T): 1" in texts(svg)


def test_the_progress_bar_writes_the_percentage_and_clamps_it():
    assert "45% complete" in texts(progress_bar_svg(45.4))
    assert "100% complete" in texts(progress_bar_svg(150))
    assert "% complete not reported" in texts(progress_bar_svg(None))  # none reported: not 0%
    root = ET.fromstring(progress_bar_svg(60, label="Laming <2009>"))
    assert root.find(f"{SVG}title").text == "Laming <2009>: 60% complete"


def test_a_compact_chart_is_drawn_for_a_phone_with_each_label_above_its_bar():
    rows = [("Social Work Services", {"red": 2, "green": 6}), ("Health", {"amber": 1, "complete": 3})]
    wide, compact = rag_by_agency_svg(rows), rag_by_agency_svg(rows, compact=True)
    root = ET.fromstring(compact)
    # drawn about as wide as a 375 px screen shows it, so its 13-unit labels stay about 13 px high there
    assert root.get("viewBox").split()[2] == "340" and float(ET.fromstring(wide).get("viewBox").split()[2]) >= 600
    labels = [el for el in root.iter(f"{SVG}text") if el.text == "Social Work Services"]
    assert labels and labels[0].get("x") == "0" and labels[0].get("text-anchor") is None
    assert all(float(el.get("font-size")) >= 12 for el in root.iter(f"{SVG}text"))
    assert set(texts(wide)) == set(texts(compact))  # the same words and numbers
    ids = lambda svg: {el.get("id") for el in ET.fromstring(svg).iter() if el.get("id")}  # noqa: E731
    assert not ids(wide) & ids(compact)  # both may stand on one page


def test_for_every_width_gives_the_wide_chart_and_the_compact_one_each_in_its_own_box():
    markup = for_every_width(status_by_report_svg, [("Laming 2009", {"complete": 2})])
    assert markup.startswith('<div class="chart-wide"><svg') and '<div class="chart-compact"><svg' in markup
    assert markup.count('viewBox="0 0 340 ') == 1
