"""`.env.example` and docs/configuration.md, written from undersigned/settings.py.

Every variable settings.py reads from the environment (`env`, `env_int`, `env_bool`,
`env_list`, `os.environ.get`) is listed with its default, as the code has it, and one line
of meaning: the comment on its line, else the comment just above it, else the comment that
opens its paragraph. `python scripts/configuration.py` writes both files; a test
(tests/core/test_configuration.py) checks that they are what this writes.
Only the standard library.
"""

import ast
import io
import sys
import textwrap
import tokenize
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "undersigned" / "settings.py"
ENV_EXAMPLE = ROOT / ".env.example"
CONFIGURATION = ROOT / "docs" / "configuration.md"

READERS = {"env", "env_int", "env_bool", "env_list"}
# What the defaults that are computed from these mean, written as a reader would set them.
PLACES = {"VAR_DIR": Path("var"), "BASE_DIR": Path(".")}


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    meaning: str


def _default(call: ast.Call, reader: str) -> str:
    if len(call.args) < 2:
        return ""
    node = call.args[1]
    if reader == "env_bool":
        return "1" if ast.literal_eval(node) else "0"
    try:
        value = ast.literal_eval(node)
    except ValueError:
        # A computed default (a path under VAR_DIR, a product of numbers).
        code = compile(ast.Expression(node), str(SETTINGS), "eval")
        value = eval(code, {"__builtins__": {"str": str}}, dict(PLACES))  # noqa: S307  # our own settings file
    return str(value)


def _reader(call: ast.Call) -> str | None:
    function = call.func
    if isinstance(function, ast.Name) and function.id in READERS:
        return function.id
    if (
        isinstance(function, ast.Attribute)
        and function.attr == "get"
        and ast.unparse(function.value) == "os.environ"
    ):
        return "os.environ.get"
    return None


def _comments(source: str) -> dict[int, str]:
    """Each comment's text by its line number."""
    found = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            found[token.start[0]] = token.string.lstrip("#").strip()
    return found


def _meaning(line: int, lines: list[str], comments: dict[int, str]) -> str:
    """The comment on the setting's line, else the comment lines just above it."""
    if line in comments and not lines[line - 1].lstrip().startswith("#"):
        return comments[line]
    above, block = line - 1, []
    while above > 0 and lines[above - 1].lstrip().startswith("#"):
        block.insert(0, comments[above])
        above -= 1
    return " ".join(block)


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", ")")) else text + "."


def variables(source: str | None = None) -> list[Variable]:
    """Every variable settings.py reads, in the order it reads them (each once)."""
    source = SETTINGS.read_text(encoding="utf-8") if source is None else source
    lines = source.splitlines()
    comments = _comments(source)
    calls = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not (reader := _reader(node)):
            continue
        if node.args and isinstance(node.args[0], ast.Constant):
            name = node.args[0].value
            if isinstance(name, str):
                calls.append((node.lineno, name, reader, node))
    found: dict[str, Variable] = {}
    for line, name, reader, call in sorted(calls, key=lambda found: found[0]):
        if name in found:
            continue
        meaning = _sentence(_meaning(line, lines, comments))
        found[name] = Variable(name, _default(call, reader), meaning)
    return list(found.values())


ENV_HEADER = """\
# Every variable undersigned reads, with its default: written from undersigned/settings.py
# by `python scripts/configuration.py` (a test checks it). Defaults run on SQLite with no
# services; paths are relative to the project's folder. Any secret may instead be given as
# NAME_FILE=/path/to/file.
"""

DOC_HEADER = """\
# Configuration

Every setting comes from the environment with a default that runs on SQLite with no
services. Any secret may be given as `NAME_FILE` (the path of a file holding it) instead of
`NAME`. This table is written from `undersigned/settings.py`, each line from the comment
beside the setting there, by `python scripts/configuration.py`, which writes `.env.example`
too; a test checks that both are what the settings say. Empty means unset; paths are
relative to the project's folder.

| variable | default | meaning |
| --- | --- | --- |
"""


def env_example(found: list[Variable]) -> str:
    parts = [ENV_HEADER]
    for variable in found:
        comment = textwrap.wrap(variable.meaning, width=88)
        parts.append("\n" + "".join(f"# {line}\n" for line in comment))
        parts.append(f"{variable.name}={variable.default}\n")
    return "".join(parts)


def configuration(found: list[Variable]) -> str:
    rows = []
    for variable in found:
        default = f"`{variable.default}`" if variable.default else "empty"
        meaning = variable.meaning.replace("|", "\\|")
        rows.append(f"| `{variable.name}` | {default} | {meaning} |\n")
    return DOC_HEADER + "".join(rows)


def main() -> int:
    found = variables()
    ENV_EXAMPLE.write_text(env_example(found), encoding="utf-8")
    CONFIGURATION.write_text(configuration(found), encoding="utf-8")
    print(f"{len(found)} variables: {ENV_EXAMPLE.name}, docs/{CONFIGURATION.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
