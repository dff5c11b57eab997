"""The site has its own icon: /favicon.ico answers, and every page links it."""

from django.urls import reverse


def test_favicon_ico_is_served_to_anyone(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_pages_link_the_icon_and_the_link_resolves(client, db):
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'rel="icon"' in page
    svg = page.split('rel="icon" href="')[1].split('"')[0]
    response = client.get(svg)
    assert response.status_code == 200 and b"<svg" in b"".join(response.streaming_content)
