import pytest
from django.core.management import call_command

from actions.models import Action
from actions.ordering import display_reference, natural_sort_key
from tests.factories import ActionFactory


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


def test_references_read_as_the_plan_writes_them():
    assert display_reference("jar-3-c6") == "JAR 3 · C6"
    assert display_reference("jar-gp1-c1") == "JAR GP1 · C1"
    assert display_reference("lam-45-c1") == "LAM 45 · C1"
    assert display_reference("sw-2") == "SW 2"
    assert display_reference("") == ""


@pytest.mark.django_db
def test_saving_an_action_stores_its_natural_order_and_lists_follow_it(agency):
    for reference in ("jar-10-c1", "jar-2-c1", "jar-1-c10", "jar-1-c2"):
        ActionFactory(owner=agency, reference=reference)
    assert list(Action.objects.values_list("reference", flat=True)) == [
        "jar-1-c2",
        "jar-1-c10",
        "jar-2-c1",
        "jar-10-c1",
    ]
    action = Action.objects.get(reference="jar-2-c1")
    action.reference = "jar-20-c1"
    action.save(update_fields=["reference"])
    action.refresh_from_db()
    assert action.sort_key == natural_sort_key("jar-20-c1")


@pytest.mark.django_db
def test_the_loaded_plan_lists_in_natural_order():
    call_command("load_recommendations", verbosity=0)
    references = list(Action.objects.filter(partnership__slug="east-ayrshire").values_list("reference", flat=True))
    assert references.index("jar-2-c1") < references.index("jar-10-c1")
    assert references == sorted(references, key=natural_sort_key)
    assert not Action.objects.filter(sort_key="").exists()
