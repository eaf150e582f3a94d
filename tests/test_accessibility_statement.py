"""The accessibility statement: public, in the form UK public bodies publish, linked from every page's footer."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = reverse("accessibility")


def test_anyone_can_read_the_statement_with_the_parts_the_regulations_ask_for(client):
    response = client.get(URL)
    assert response.status_code == 200
    text = " ".join(response.content.decode().split())
    for part in (
        "Web Content Accessibility Guidelines version 2.2",
        "AA standard",
        "How accessible this website is",
        "Feedback and contact information",
        "Enforcement procedure",
        "How we tested this website",
        "axe-core",
        "375 pixels wide",
        "Preparation of this accessibility statement",
    ):
        assert part in text, part


@pytest.mark.parametrize("name", ["login", "accessibility"])
def test_the_footer_links_to_it_signed_out(client, name):
    assert f'href="{URL}"' in client.get(reverse(name)).content.decode()


def test_the_footer_links_to_it_signed_in(client_as, member):
    assert f'href="{URL}"' in client_as(member).get(reverse("actions:my_actions")).content.decode()
