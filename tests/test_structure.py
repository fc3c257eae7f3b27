"""The code's shape, as promised in the README: no module reaches into another's private names,
no module under app/ passes 600 lines, the math imports no Flask, and every module the package
holds is installed."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
MODULES = sorted(APP.rglob("*.py"))
# The cells' math and what it is built from: numpy (and the app's own math), no web framework.
MATH = ["fields.py", "primitives.py", "trace.py", "sequence.py", "backward.py", *(f"cells/{p.name}" for p in
        (APP / "cells").glob("*.py"))]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(APP)))
def test_no_module_imports_another_modules_private_names(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    private = [(node.module, alias.name) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
               for alias in node.names if alias.name.startswith("_") and alias.name != "__future__"]
    assert private == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(APP)))
def test_no_module_passes_600_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 600


@pytest.mark.parametrize("name", MATH)
def test_the_math_imports_no_flask(name):
    tree = ast.parse((APP / name).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {m for m in imported if m.split(".")[0] in ("flask", "werkzeug", "jinja2", "markupsafe")}


def test_every_package_under_app_is_installed():
    """pyproject.toml finds the packages, so a wheel holds app/cells and app/pictures too."""
    text = (APP.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert "[tool.setuptools.packages.find]" in text and 'include = ["app*"]' in text
