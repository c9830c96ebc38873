"""Directory fixtures: ``import_file`` runs ``flask directory import`` on a file or records."""

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask.testing import FlaskCliRunner

from tests.support.directory import ImportFile


@pytest.fixture
def import_file(runner: FlaskCliRunner, tmp_path: Path) -> ImportFile:
    """``import_file(path)`` (or records, written as JSON first) runs ``flask directory import``."""
    numbers = itertools.count(1)

    def run(source: Any) -> Result:
        if not isinstance(source, Path):
            path = tmp_path / f"import-{next(numbers)}.json"
            path.write_text(json.dumps(source), encoding="utf-8")
            source = path
        return runner.invoke(args=["directory", "import", str(source)])

    return run
