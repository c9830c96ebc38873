"""The repository stands on its own and keeps its shape."""

import re
from pathlib import Path

from wellbeing.config import REPO_ROOT

SOURCE_DIRS = ("wellbeing", "tests", "bench")
SOURCE_SUFFIXES = {".py", ".html", ".jinja", ".js", ".css", ".cfg", ".toml", ".sh", ""}
# The folder as part of a path: "../NAME", "/ \"NAME\"", "\"NAME\" /" (NAME spelt apart below)
FOLDER = "sha" + "red"  # spelt apart so that this file does not match its own check
PARENT_SHARED = re.compile(rf"""\.\./{FOLDER}\b|/\s*["']{FOLDER}["']|["']{FOLDER}["']\s*/""")


def _source_files() -> list[Path]:
    files = [REPO_ROOT / "Makefile"]
    for folder in SOURCE_DIRS:
        for path in (REPO_ROOT / folder).rglob("*"):
            if (
                path.is_file()
                and path.suffix in SOURCE_SUFFIXES
                and "__pycache__" not in path.parts
            ):
                files.append(path)
    return files


def test_nothing_reads_the_shared_folder_beside_the_checkout() -> None:
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{number}"
        for path in _source_files()
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if PARENT_SHARED.search(line)
    ]
    assert offenders == []


def test_the_check_finds_a_parent_shared_path() -> None:
    assert PARENT_SHARED.search(f'DATA = REPO.parent / "{FOLDER}" / "geo"')
    assert PARENT_SHARED.search(f"see ../{FOLDER}/oruk-3.0")
    assert not PARENT_SHARED.search(f"details being {FOLDER} with the service")


def test_the_data_the_tests_need_is_in_the_repository_with_its_licence() -> None:
    oruk = REPO_ROOT / "tests" / "data" / "oruk-3.0"
    assert "BSD 3-Clause" in (oruk / "LICENSE").read_text()
    assert len(list((oruk / "schema").glob("*.json"))) >= 15
    assert (oruk / "examples" / "service_full.json").is_file()


def test_no_module_is_over_400_lines() -> None:
    long_modules = {
        str(path.relative_to(REPO_ROOT)): lines
        for path in (REPO_ROOT / "wellbeing").rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > 400
    }
    assert long_modules == {}
