"""Japanese everywhere a person reads: every translatable string has a Japanese entry in the merged catalogs.

Strings come from ``_("...")`` in templates and Python, and from the messages of typed errors (rendered to people
by the web layer). A string with a ``%(name)s`` placeholder must keep its placeholders in Japanese.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import kizuna
from kizuna.errors import KizunaError
from kizuna.web.i18n import catalog

SRC = Path(kizuna.__file__).parent
CALL = re.compile(r"""(?<![\w.])_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*[,)]""")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _error_classes() -> set[str]:
    for mod in pkgutil.walk_packages(kizuna.__path__, "kizuna."):
        if ".migrations" in mod.name:
            continue
        importlib.import_module(mod.name)
    found: set[str] = set()
    stack = [KizunaError]
    while stack:
        cls = stack.pop()
        found.add(cls.__name__)
        stack.extend(cls.__subclasses__())
    return found


def _strings() -> dict[str, str]:
    errors = _error_classes()
    raise_re = re.compile(r"\b(" + "|".join(sorted(errors)) + r""")\(\s*"((?:[^"\\]|\\.)*)"(?=\s*[,)])""")
    found: dict[str, str] = {}
    for path in list(SRC.rglob("*.html")) + list(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for m in CALL.finditer(text):
            found.setdefault(m.group(1) or m.group(2), str(path.relative_to(SRC)))
        if path.suffix == ".py":
            for m in raise_re.finditer(text):
                found.setdefault(m.group(2), str(path.relative_to(SRC)))
    return {k.replace('\\"', '"').replace("\\'", "'"): v for k, v in found.items() if k.strip()}


def test_every_string_has_a_japanese_translation() -> None:
    ja = catalog("ja")
    missing = [
        f"{where}: {msg!r}"
        for msg, where in sorted(_strings().items(), key=lambda kv: kv[1])
        if msg not in ja
    ]
    assert not missing, f"{len(missing)} strings without Japanese:\n" + "\n".join(missing[:200])


def test_translations_keep_their_placeholders() -> None:
    broken = []
    for msgid, msgstr in catalog("ja").items():
        if isinstance(msgstr, str) and set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(msgstr)):
            broken.append(f"{msgid!r} -> {msgstr!r}")
    assert not broken, "\n".join(broken)


def test_literal_percent_in_a_template_string_renders() -> None:
    from kizuna.web.templating import env

    html = env.from_string('{{ _("ER %") }} · {{ _("%(n)s%% share", n=5) }} · {{ _("<b>") }}').render()
    assert html == "ER % · 5% share · &lt;b&gt;"


def test_outside_links_only_render_http_urls() -> None:
    from kizuna.web.templating import env

    tpl = env.from_string('<a href="{{ u|safe_url }}">x</a>')
    assert tpl.render(u="javascript:alert(1)") == '<a href="#">x</a>'
    assert tpl.render(u=" JaVaScRiPt:alert(1)") == '<a href="#">x</a>'
    assert tpl.render(u="data:text/html,<b>") == '<a href="#">x</a>'
    assert tpl.render(u="//evil.example/x") == '<a href="#">x</a>'
    assert tpl.render(u="https://www.instagram.com/p/abc/?a=1&b=2") == (
        '<a href="https://www.instagram.com/p/abc/?a=1&amp;b=2">x</a>'
    )
