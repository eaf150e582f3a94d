from actions.ordering import natural_sort_key


def test_it_sorts_references_in_natural_order():
    references = ["jar-10-c1", "jar-2-c1", "jar-1-c10", "jar-1-c2", "gp-1-c1", "11-c1", "2-c1"]
    assert sorted(references, key=natural_sort_key) == [
        "2-c1",
        "11-c1",
        "gp-1-c1",
        "jar-1-c2",
        "jar-1-c10",
        "jar-2-c1",
        "jar-10-c1",
    ]


def test_it_ignores_case_and_copes_with_nothing():
    assert natural_sort_key("JAR-3") == natural_sort_key("jar-3")
    assert natural_sort_key(None) == ""
