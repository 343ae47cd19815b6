"""Spells out import aliases (``lib.verb`` → ``data.gridgov.lib.verb``) for regorus's compiler.

regorus's VM resolves an aliased reference by building the whole imported package first, which
costs ~12 µs per reference; a full ``data.`` path reads just the rule. The rewrite is the
definition of an import in Rego, so the policy means the same; strings and comments are left alone.
"""

from __future__ import annotations

import re

_IMPORT = re.compile(r"^import\s+(data(?:\.[A-Za-z_][A-Za-z0-9_]*)+)(?:\s+as\s+([A-Za-z_][A-Za-z0-9_]*))?\s*$",
                     re.MULTILINE)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def data_imports(text: str) -> dict[str, str]:
    """Alias → full path of each ``import data....`` in a module."""
    aliases = {}
    for match in _IMPORT.finditer(text):
        path, alias = match.group(1), match.group(2)
        aliases[alias or path.rsplit(".", 1)[1]] = path
    return aliases


def expand_aliases(text: str) -> str:
    """The module with every ``alias.`` reference written as its full data path."""
    aliases = data_imports(text)
    if not aliases:
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "#":  # a comment runs to the end of the line
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(text[i:end])
            i = end
        elif char == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif char == "`":
            j = text.find("`", i + 1)
            j = n - 1 if j < 0 else j
            out.append(text[i:j + 1])
            i = j + 1
        elif char.isalpha() or char == "_":
            match = _IDENT.match(text, i)
            assert match is not None
            word = match.group(0)
            previous = text[i - 1] if i else ""
            if (word in aliases and text.startswith(".", match.end()) and previous != "."
                    and not _on_import_line(text, i)):
                out.append(aliases[word])
            else:
                out.append(word)
            i = match.end()
        else:
            out.append(char)
            i += 1
    return "".join(out)


_INPUT = re.compile(r"(?<![A-Za-z0-9_.])input\b(\s*\.\s*([A-Za-z_][A-Za-z0-9_]*))?")


def reads_only(text: str, excluded: str) -> bool:
    """True when every reference to ``input`` in the module names a member other than ``excluded``.

    Conservative: ``input[...]``, a bare ``input`` or ``input.<excluded>`` all count as reading it.
    Strings and comments are not code and do not count.
    """
    code = _strip_strings_and_comments(text)
    for match in _INPUT.finditer(code):
        member = match.group(2)
        if member is None or member == excluded:
            return False
    return True


def _strip_strings_and_comments(text: str) -> str:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif char == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""')
            i = j + 1
        elif char == "`":
            j = text.find("`", i + 1)
            out.append('""')
            i = n if j < 0 else j + 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _on_import_line(text: str, position: int) -> bool:
    start = text.rfind("\n", 0, position) + 1
    return text.startswith("import", start) or text.startswith("package", start)
