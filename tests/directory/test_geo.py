"""Postcodes: normalising, validating, looking up with outcode fallback, importing, distances."""

from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner

from wellbeing.config import REPO_ROOT
from wellbeing.directory.geo import (
    Postcode,
    PostcodeError,
    distance_m,
    import_postcodes,
    lookup_postcode,
    normalise_postcode,
)
from wellbeing.extensions import db

SEED_POSTCODES = REPO_ROOT / "seed_data" / "postcodes.csv"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("gl1 1aa", "GL1 1AA"),
        (" GL11AA ", "GL1 1AA"),
        ("g40  2qh", "G40 2QH"),
        ("EC1A1BB", "EC1A 1BB"),
        ("w1a 0ax", "W1A 0AX"),
        ("gl1", "GL1"),
        ("GL 50", "GL50"),
    ],
)
def test_postcodes_are_normalised(typed: str, expected: str) -> None:
    assert normalise_postcode(typed) == expected


@pytest.mark.parametrize("typed", ["", "   ", "12345", "GL1 1A", "QQ1 1AA", "GL1 1AAA", "hello"])
def test_malformed_postcodes_get_a_clear_message(typed: str) -> None:
    with pytest.raises(PostcodeError, match="postcode"):
        normalise_postcode(typed)


def test_lookup_full_postcode_then_outcode_fallback(app) -> None:
    db.session.add_all(
        [
            Postcode(postcode="GL1 1AA", latitude=51.8642, longitude=-2.2444),
            Postcode(postcode="GL1", latitude=51.86, longitude=-2.24, is_outcode=True),
        ]
    )
    db.session.commit()
    exact = lookup_postcode("gl11aa")
    assert (exact.postcode, exact.precision, exact.latitude) == ("GL1 1AA", "postcode", 51.8642)
    fallback = lookup_postcode("GL1 9ZZ")
    assert (fallback.precision, fallback.latitude) == ("outcode", 51.86)
    assert lookup_postcode("gl1").precision == "outcode"
    with pytest.raises(PostcodeError, match="could not find the postcode G40 2QH"):
        lookup_postcode("g40 2qh")


def test_distance_between_gloucester_and_cheltenham() -> None:
    # Gloucester Cross to Cheltenham Promenade is about 12.5 km as the crow flies.
    metres = distance_m(51.8645, -2.2466, 51.8983, -2.0775)
    assert 12_000 < metres < 12_600


def test_import_ons_postcode_directory_layout(app, tmp_path: Path) -> None:
    path = tmp_path / "onspd.csv"
    path.write_text(
        "pcd,pcds,doterm,lat,long\n"
        "GL1 1AA,GL1 1AA,,51.8642,-2.2444\n"
        "GL1 2AB,GL1 2AB,200512,51.8,-2.2\n"  # terminated: skipped
        "ZZ99 3WZ,ZZ99 3WZ,,99.999999,0.000000\n"  # ONS 'no location': skipped
        "G40 2QH,G40 2QH,,55.8497,-4.2147\n"
    )
    report = import_postcodes(path)
    db.session.commit()
    assert (report.imported, report.skipped) == (2, 2)
    assert lookup_postcode("G402QH").longitude == -4.2147
    # Importing again updates in place rather than duplicating.
    path.write_text("postcode,latitude,longitude\nGL1 1AA,51.9,-2.3\n")
    import_postcodes(path)
    db.session.commit()
    assert db.session.query(Postcode).count() == 2
    assert lookup_postcode("GL1 1AA").latitude == 51.9


def test_cli_imports_the_seed_postcodes_and_outcodes(runner: FlaskCliRunner) -> None:
    rows = len(SEED_POSTCODES.read_text(encoding="utf-8").splitlines()) - 1  # less the header
    result = runner.invoke(args=["geo", "import-postcodes", str(SEED_POSTCODES)])
    assert result.exit_code == 0, result.output
    assert f"Imported {rows} postcodes; skipped 0 invalid rows" in result.output
    point = lookup_postcode("GL1 4XX")  # unknown full postcode: the GL1 centre
    assert point.precision == "outcode" and 51.8 < point.latitude < 51.9


def test_cli_rejects_bad_files(runner: FlaskCliRunner, tmp_path: Path) -> None:
    wrong_columns = tmp_path / "wrong.csv"
    wrong_columns.write_text("name,town\nA,B\n")
    nothing_valid = tmp_path / "empty.csv"
    nothing_valid.write_text("postcode,latitude,longitude\nnot a postcode,1,2\n")
    for path in (wrong_columns, nothing_valid, tmp_path / "missing.csv"):
        result = runner.invoke(args=["geo", "import-postcodes", str(path)])
        assert result.exit_code != 0
        assert result.output.strip().splitlines()[-1].startswith("Error: ")
        assert "Traceback" not in result.output
