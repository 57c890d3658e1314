"""`.env.example` and docs/configuration.md list every variable settings.py reads, with
its default and a line of meaning, exactly as scripts/configuration.py writes them."""

import importlib.util
import re
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent.parent


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "configuration", ROOT / "scripts" / "configuration.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_both_files_are_written_from_the_settings() -> None:
    script = _script()
    found = script.variables()
    written = "run `python scripts/configuration.py` after changing settings.py"
    assert (ROOT / ".env.example").read_text(encoding="utf-8") == script.env_example(found), written
    assert (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8") == (
        script.configuration(found)
    ), written


def test_every_variable_read_is_listed_once_with_a_meaning() -> None:
    source = (ROOT / "undersigned" / "settings.py").read_text(encoding="utf-8")
    # A second, plainer reading of the same file: every name the readers are called with.
    read = set(
        re.findall(
            r"""(?:env(?:_int|_bool|_list)?|os\.environ\.get)\(\s*["']([A-Z0-9_]+)["']""",
            source,
        )
    )
    found = _script().variables()
    names = [variable.name for variable in found]
    assert len(names) == len(set(names))
    assert set(names) == read
    assert {"EXPORT_MAX_SHARE", "PAGE_CACHE_SECONDS", "VAR_DIR"} <= read
    for variable in found:
        assert len(variable.meaning) > 10, variable.name


def test_defaults_are_the_codes_own() -> None:
    found = {variable.name: variable for variable in _script().variables()}
    assert found["PAGE_CACHE_SECONDS"].default == "1"
    assert found["EXPORT_MAX_SHARE"].default == "0.1"
    assert found["EXPORT_IN_BACKGROUND"].default == "1"
    assert found["EXPORT_MAX_AGE_SECONDS"].default == str(6 * 3600)
    assert found["DATABASE_URL"].default == "sqlite:///var/undersigned.sqlite3"
    env_example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert "\nPAGE_CACHE_SECONDS=1\n" in env_example
    assert "\nEXPORT_MAX_SHARE=0.1\n" in env_example
