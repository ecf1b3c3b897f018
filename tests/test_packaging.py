"""pyproject.toml in the form current setuptools accepts without warnings (dev.py run printed some 360
lines of them): the licence as an SPDX string, and every folder of files inside a package listed, since
setuptools installs data files only from listed packages."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_licence_is_an_spdx_string_and_the_build_backend_understands_it():
    assert isinstance(PYPROJECT["project"]["license"], str)  # a TOML table is deprecated
    requires = " ".join(PYPROJECT["build-system"]["requires"])
    assert "setuptools>=77" in requires  # the first setuptools that reads the SPDX form


def test_every_folder_of_files_inside_a_package_is_a_listed_package():
    packages = set(PYPROJECT["tool"]["setuptools"]["packages"])
    top = {p for p in packages if "." not in p}
    missing = []
    for name in top:
        for folder in (ROOT / name).rglob("*"):
            if not folder.is_dir() or "__pycache__" in folder.parts:
                continue
            if not any(f.is_file() for f in folder.iterdir()):
                continue
            dotted = ".".join(folder.relative_to(ROOT).parts)
            if dotted not in packages:
                missing.append(dotted)
    assert not missing, missing


def test_every_data_package_declares_its_files():
    data = PYPROJECT["tool"]["setuptools"]["package-data"]
    for package in PYPROJECT["tool"]["setuptools"]["packages"]:
        folder = ROOT.joinpath(*package.split("."))
        if not any(folder.glob("*.py")):  # a folder of data files only
            assert package in data, package
