"""Message templates: Jinja2 in an immutable sandbox with strict undefined variables.

Templates are written by workspace members, so they are untrusted code: :class:`ImmutableSandboxedEnvironment`
refuses access to private/dunder attributes and to mutating methods, the globals are emptied (no ``cycler``,
``joiner``, ``range``, ``lipsum``, ``namespace``), and :class:`StrictUndefined` turns every missing variable into
an error. Empty values are removed from the context before rendering, so a missing name cannot render as
"Hi ," — the message is blocked and the missing variables are reported instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, UndefinedError, meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from kizuna.errors import ValidationFailed

MAX_TEMPLATE_CHARS = 20_000
MAX_OUTPUT_CHARS = 100_000

VARIABLES: tuple[tuple[str, str], ...] = (
    ("influencer.name", "Display name"),
    ("influencer.first_name", "Name used in the greeting (Japanese: full name)"),
    ("influencer.handle", "Main handle, e.g. @yuki.beauty"),
    ("influencer.platform", "Platform of the main account"),
    ("post.caption_excerpt", "First ~60 characters of a recent post's caption"),
    ("post.url", "Link to that post"),
    ("campaign.name", "Campaign name"),
    ("offer", "What you offer (sequence setting)"),
    ("sender.name", "Sender's name"),
    ("sender.company", "Sender's company"),
    ("sender.signature", "Sender signature (company, address, contact)"),
    ("unsubscribe_url", "Signed one-click opt-out link"),
)


class TemplateBlocked(ValidationFailed):
    """Rendering refused: missing variables, unsafe access or a syntax error. Never sent."""

    code = "template_blocked"


class _Env(ImmutableSandboxedEnvironment):
    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # On top of the sandbox's rules: no attribute starting with an underscore at all, and only plain data.
        if attr.startswith("_"):
            return False
        return bool(super().is_safe_attribute(obj, attr, value))


def _make_env() -> _Env:
    env = _Env(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    env.globals.clear()
    return env


_env = _make_env()


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def _prune(value: Any) -> Any:
    """Drop ``None`` and blank strings recursively, so StrictUndefined reports them as missing."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            pv = _prune(v)
            if pv is None or (isinstance(pv, str) and not pv.strip()):
                continue
            if isinstance(pv, dict) and not pv:
                continue
            out[k] = pv
        return out
    return value


def check_syntax(source: str) -> set[str]:
    """Parse a template; returns its top-level variable names. Raises :class:`TemplateBlocked` on errors."""
    if len(source) > MAX_TEMPLATE_CHARS:
        raise TemplateBlocked("The template is too long.", code="template_too_long")
    try:
        ast = _env.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateBlocked(
            f"The template has a syntax error: {exc.message}",
            code="template_syntax",
            details={"line": exc.lineno, "error": exc.message},
        ) from exc
    return set(meta.find_undeclared_variables(ast))


@lru_cache(maxsize=256)
def _compiled(source: str) -> tuple[Template, frozenset[str]]:
    """Parse and compile once per distinct source: a sequence step is rendered thousands of times."""
    check_syntax(source)
    return _env.from_string(source), frozenset(_dotted_paths(source))


def _dotted_paths(source: str) -> set[str]:
    """Every ``a.b.c`` reference whose root comes from the context (not a loop or ``set`` variable)."""
    ast = _env.parse(source)
    roots = set(meta.find_undeclared_variables(ast))
    paths: set[str] = set()

    def chain(node: nodes.Node) -> str | None:
        if isinstance(node, nodes.Name):
            return node.name
        if isinstance(node, nodes.Getattr):
            parent = chain(node.node)
            return f"{parent}.{node.attr}" if parent else None
        return None

    for node in ast.find_all((nodes.Getattr, nodes.Name)):
        path = chain(node)
        if path and path.split(".")[0] in roots:
            paths.add(path)
    # keep only the longest chains: "influencer.name" implies "influencer"
    return {p for p in paths if not any(o != p and o.startswith(p + ".") for o in paths)}


def _lookup(context: dict[str, Any], path: str) -> bool:
    value: Any = context
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return False
    return True


def _render_one(source: str, context: dict[str, Any], missing: set[str]) -> str:
    template, paths = _compiled(source)
    if any(part.startswith("_") for p in paths for part in p.split(".")):
        raise TemplateBlocked(
            "The template tried to access something that is not allowed.", code="template_unsafe"
        )
    missing.update(p for p in paths if not _lookup(context, p))
    if missing:
        return ""
    try:
        out = template.render(context)
    except UndefinedError as exc:
        missing.add(str(exc))
        return ""
    except SecurityError as exc:
        raise TemplateBlocked(
            "The template tried to access something that is not allowed.",
            code="template_unsafe",
            details={"error": str(exc)},
        ) from exc
    except (TypeError, ValueError, ArithmeticError, OverflowError) as exc:
        raise TemplateBlocked(f"The template failed: {exc}", code="template_error") from exc
    if len(out) > MAX_OUTPUT_CHARS:
        raise TemplateBlocked("The rendered message is too long.", code="template_output_too_long")
    return out


def render(subject: str, body: str, context: dict[str, Any]) -> Rendered:
    """Render subject and body; every missing variable of both is reported at once."""
    ctx = _prune(context)
    missing: set[str] = set()
    out_subject = _render_one(subject, ctx, missing)
    out_body = _render_one(body, ctx, missing)
    if missing:
        names = sorted(missing)
        raise TemplateBlocked(
            f"Missing variables: {', '.join(names)}",
            code="template_missing_variables",
            details={"missing": names},
        )
    return Rendered(subject=" ".join(out_subject.split()), body=out_body)


STARTER_TEMPLATES: tuple[dict[str, str], ...] = (
    {
        "name": "初回のご連絡（日本語）",
        "language": "ja",
        "subject": "【ご相談】{{ campaign.name }}のPRについて（{{ sender.company }}）",
        "body": (
            "{{ influencer.name }}様\n\n"
            "突然のご連絡失礼いたします。\n"
            "{{ sender.company }}の{{ sender.name }}と申します。\n\n"
            "いつも{{ influencer.handle }}での発信を拝見しております。\n"
            "特に「{{ post.caption_excerpt }}」の投稿（{{ post.url }}）がとても印象に残りました。\n\n"
            "このたび、{{ campaign.name }}につきまして、{{ influencer.name }}様にぜひご協力いただけないかと思い、"
            "ご連絡いたしました。\n\n"
            "【ご提案内容】\n{{ offer }}\n\n"
            "ご興味をお持ちいただけましたら、本メールにご返信いただけますと幸いです。\n"
            "ご多忙のところ恐れ入りますが、何卒よろしくお願い申し上げます。\n\n"
            "{{ sender.signature }}\n"
        ),
    },
    {
        "name": "フォローアップ（日本語）",
        "language": "ja",
        "subject": "Re: 【ご相談】{{ campaign.name }}のPRについて（{{ sender.company }}）",
        "body": (
            "{{ influencer.name }}様\n\n"
            "お世話になっております。{{ sender.company }}の{{ sender.name }}です。\n\n"
            "先日お送りした{{ campaign.name }}のご相談につきまして、ご検討いただけましたでしょうか。\n"
            "ご不明な点がございましたら、お気軽にお問い合わせください。\n\n"
            "何卒よろしくお願い申し上げます。\n\n"
            "{{ sender.signature }}\n"
        ),
    },
    {
        "name": "First contact (English)",
        "language": "en",
        "subject": "Collaboration idea: {{ campaign.name }} x {{ influencer.handle }}",
        "body": (
            "Hi {{ influencer.first_name }},\n\n"
            "I'm {{ sender.name }} from {{ sender.company }}. I loved your recent post "
            '"{{ post.caption_excerpt }}" ({{ post.url }}) - it is exactly the voice we are looking for.\n\n'
            "We'd love to work with you on {{ campaign.name }}. Here is what we have in mind:\n\n"
            "{{ offer }}\n\n"
            "If this sounds interesting, just reply to this e-mail and I'll send the details.\n\n"
            "Best regards,\n{{ sender.signature }}\n"
        ),
    },
    {
        "name": "Follow-up (English)",
        "language": "en",
        "subject": "Re: Collaboration idea: {{ campaign.name }} x {{ influencer.handle }}",
        "body": (
            "Hi {{ influencer.first_name }},\n\n"
            "Just bringing this back to the top of your inbox in case it got buried. "
            "Would {{ campaign.name }} be a fit for you?\n\n"
            "Best,\n{{ sender.signature }}\n"
        ),
    },
)

STARTER_DM_TEXT = {
    "ja": "{{ influencer.name }}様\n突然のDM失礼いたします。{{ sender.company }}の{{ sender.name }}です。"
    "{{ campaign.name }}のご相談をメールでお送りしましたので、ご確認いただけますと幸いです。",
    "en": "Hi {{ influencer.first_name }}! {{ sender.name }} from {{ sender.company }} here - I sent you an "
    "e-mail about {{ campaign.name }}, would love to hear what you think.",
}
