"""A text's headings never skip a level on the page: a paper's section is an h2, its text's headings follow it."""

from recommendations.markup import to_html


def test_a_subheading_with_no_heading_above_it_takes_the_headings_level():
    html = to_html("### 2.1 The Protection of Children in England\n\nFollowing the report...", heading_level=3)
    assert html.startswith('<h3 class="text-subheading">2.1 The Protection of Children in England</h3>')


def test_a_subheading_under_a_heading_stands_one_level_below_it():
    html = to_html("Opening words.\n\n## Leadership\n\n### Chief officers\n\nThey lead.", heading_level=3)
    assert '<h3 class="text-heading">Leadership</h3>' in html
    assert '<h4 class="text-subheading">Chief officers</h4>' in html
