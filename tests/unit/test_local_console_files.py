"""The local gateway serves the built console like the CloudFront distribution does."""

from pathlib import Path
from types import SimpleNamespace

from werkzeug.test import Client

from local.gateway import Gateway


def _gateway(console_dist: Path) -> Client:
    unused = object()
    gateway = Gateway(
        invoke_api=unused,
        api_routes=unused,
        authorizer=unused,
        mailbox=SimpleNamespace(base_path="/_local/mailbox"),
        recent_events=list,
        runtime_config=dict,
        console_dist=console_dist,
    )
    return Client(gateway)


def _built_console(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>console</title>")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)")
    return tmp_path


def test_client_side_routes_get_the_app_and_are_not_cached(tmp_path):
    # Given a built console / When a route of the single-page app is opened
    response = _gateway(_built_console(tmp_path)).get("/accounts/01JD0000000000000000000000")
    # Then the app's index.html answers, revalidated on every load
    assert response.status_code == 200 and b"<title>console</title>" in response.data
    assert response.headers["Cache-Control"] == "no-cache"


def test_hashed_assets_are_cached_for_good(tmp_path):
    response = _gateway(_built_console(tmp_path)).get("/assets/index-abc123.js")
    assert response.status_code == 200 and response.data == b"console.log(1)"
    assert "immutable" in response.headers["Cache-Control"]


def test_a_missing_file_is_404_not_the_app(tmp_path):
    # Given a script the page asks for that is not (or no longer) in the build
    response = _gateway(_built_console(tmp_path)).get("/assets/index-old999.js")
    # Then it is missing, rather than HTML answered as JavaScript
    assert response.status_code == 404


def test_an_unbuilt_console_says_so(tmp_path):
    response = _gateway(tmp_path).get("/")
    assert response.status_code == 200 and b"not built" in response.data.lower()
