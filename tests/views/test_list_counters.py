"""A filtered list swaps only its table, and the "(n)" in the page header follows out of band."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "counter_id"),
    [
        ("/users/?q=team", "user-count"),
        ("/groups/?q=team", "group-count"),
        ("/roles/?q=team", "role-count"),
        ("/policies/?q=team", "policy-count"),
    ],
)
def test_an_htmx_filter_sends_the_table_and_the_header_counter_out_of_band(
    root_client: Client, url: str, counter_id: str
) -> None:
    page = root_client.get(url.split("?")[0]).content.decode()
    assert f'<span class="counter" id="{counter_id}">' in page  # the full page: in the header
    assert "hx-swap-oob" not in page

    swap = root_client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert "<h1>" not in swap  # only the table partial, not the page
    assert f'<span class="counter" id="{counter_id}" hx-swap-oob="true">(' in swap
