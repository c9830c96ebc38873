"""Static files: content-hashed names cached for a year, and compressed responses."""

import re

from flask.testing import FlaskClient

from wellbeing.assets import STATIC_DIR, file_digest


def _linked(html: str, pattern: str) -> str:
    match = re.search(pattern, html)
    assert match, pattern
    return match.group(0)


def test_pages_link_hashed_files_that_are_cached_for_a_year(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    css = _linked(html, r"/static/css/app\.[0-9a-f]{12}\.css")
    assert file_digest(STATIC_DIR / "css" / "app.css") in css
    nhsuk_css = _linked(html, r"/assets/nhsuk-frontend\.min\.[0-9a-f]{12}\.css")
    nhsuk_js = _linked(html, r"/assets/nhsuk-frontend\.min\.[0-9a-f]{12}\.js")
    for url in (css, nhsuk_css, nhsuk_js, _linked(html, r"/static/js/app\.[0-9a-f]{12}\.js")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.cache_control.max_age == 365 * 24 * 60 * 60
        assert response.cache_control.immutable


def test_a_plain_or_outdated_name_is_revalidated(client: FlaskClient) -> None:
    plain = client.get("/static/css/app.css")
    assert plain.status_code == 200 and plain.cache_control.max_age == 0
    outdated = client.get("/static/css/app.000000000000.css")
    assert outdated.status_code == 404
    assert client.get("/static/../config.py").status_code == 404


def test_text_responses_are_compressed(client: FlaskClient) -> None:
    for encoding in ("br", "gzip"):
        page = client.get("/", headers={"Accept-Encoding": encoding})
        assert page.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in page.headers["Vary"]
        css = client.get("/assets/nhsuk-frontend.min.css", headers={"Accept-Encoding": encoding})
        assert css.headers["Content-Encoding"] == encoding
        assert int(css.headers["Content-Length"]) < 100_000  # 278 KB uncompressed
    assert "Content-Encoding" not in client.get("/").headers  # the client did not ask
