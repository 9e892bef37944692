"""Rule packs: the disclosure rules of each jurisdiction, kept as data and validated when loaded.

A rule pack is one JSON file, ``rules/<code>.json``; the platform fold table (``data/platforms.json``) and the
default finding texts (``data/messages.json``) sit beside them. Adding a jurisdiction means adding a file: the
engine knows finding codes and label *forms*, never a particular word. Deployments can add or override packs
without touching the code by listing extra directories in ``KIZUNA_COMPLIANCE_RULES_PATH`` (``os.pathsep``
separated); a pack there replaces a built-in pack with the same code.

Everything is validated at load time (schema, regular expressions, message placeholders, file name versus
``code``), so a broken pack stops the import with a :class:`RulePackError` naming the file and the field,
instead of silently passing captions later.
"""

from __future__ import annotations

import json
import os
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from kizuna.errors import KizunaError

RULES_DIR = Path(__file__).parent / "rules"
DATA_DIR = Path(__file__).parent / "data"
RULES_PATH_ENV = "KIZUNA_COMPLIANCE_RULES_PATH"

Strength = Literal["clear", "weak", "ambiguous"]
Form = Literal["hashtag", "bracket", "leading", "inline"]
Severity = Literal["violation", "review"]

# Every finding code the engine can emit. Packs may override the texts of these codes, nothing else.
FINDING_CODES: tuple[str, ...] = (
    "disclosure_missing",
    "brand_reuse_label_missing",
    "ambiguous_disclosure_only",
    "disclosure_unclear_wording",
    "disclosure_below_fold",
    "disclosure_buried_in_hashtags",
    "disclosure_not_in_first_lines",
    "disclosure_contradicted",
    "disclosure_contradiction_suspected",
    "platform_label_only",
    "video_disclosure_unverified",
    "video_disclosure_partial",
    "video_disclosure_missing",
)

# Placeholders a message or fix template may use; the engine always supplies all of them.
TEMPLATE_FIELDS: frozenset[str] = frozenset(
    {
        "authority",
        "jurisdiction_name",
        "label",
        "suggested",
        "suggested_sentence",
        "brand",
        "platform",
        "fold",
        "line",
        "max_line",
        "tag_index",
        "tag_count",
        "phrase",
        "preview",
        "required",
    }
)


class RulePackError(KizunaError):
    """A rule pack, the platform table or the message catalog is malformed."""

    code = "compliance_rule_pack_invalid"
    status = 500


class UnknownJurisdiction(KizunaError):
    code = "compliance_unknown_jurisdiction"
    status = 422


class UnknownPlatform(KizunaError):
    code = "compliance_unknown_platform"
    status = 422


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _compile(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    return re.compile(pattern, 0 if case_sensitive else re.IGNORECASE)


def _check_regex(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {value!r}: {exc}") from exc
    return value


def _check_template(value: str) -> str:
    for _, name, _, _ in string.Formatter().parse(value):
        if name is not None and name not in TEMPLATE_FIELDS:
            raise ValueError(f"unknown placeholder {{{name}}}; allowed: {', '.join(sorted(TEMPLATE_FIELDS))}")
    return value


class Localized(_Strict):
    """A text in English and Japanese (both required: Kizuna is Japan-first and every reader gets one)."""

    en: str = Field(min_length=1)
    ja: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


class Template(Localized):
    """A localized text with ``{placeholders}`` checked against :data:`TEMPLATE_FIELDS`."""

    @field_validator("en", "ja")
    @classmethod
    def _placeholders(cls, v: str) -> str:
        return _check_template(v)


class Source(_Strict):
    title: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://")
    note: str | None = None


class LabelRule(_Strict):
    """A label word and the forms in which it counts as a disclosure.

    Forms: ``hashtag`` (``#PR``), ``bracket`` (``【PR】``, ``[Ad]``, ``「広告」``), ``leading`` (at the start of a
    line, followed by a separator such as ``:`` ``|`` `` - `` or the end of the line), ``inline`` (anywhere, if
    the surrounding text passes ``inline_not_before`` / ``inline_followed_by``). Hashtags and brackets always
    compare case-insensitively; ``case_sensitive`` governs the leading and inline forms.
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str = Field(min_length=1)
    strength: Strength
    forms: list[Form] = Field(min_length=1)
    case_sensitive: bool = False
    leading_space: bool = False
    inline_not_before: str | None = None
    inline_followed_by: str | None = None
    note: str | None = None

    _re_not_before: re.Pattern[str] | None = PrivateAttr(default=None)
    _re_followed_by: re.Pattern[str] | None = PrivateAttr(default=None)

    @field_validator("inline_not_before", "inline_followed_by")
    @classmethod
    def _regex(cls, v: str | None) -> str | None:
        return _check_regex(v)

    @field_validator("forms")
    @classmethod
    def _unique_forms(cls, v: list[Form]) -> list[Form]:
        if len(set(v)) != len(v):
            raise ValueError("forms must not repeat")
        return v

    def model_post_init(self, __context: Any) -> None:
        if self.inline_not_before:
            self._re_not_before = re.compile(f"(?:{self.inline_not_before})$")
        if self.inline_followed_by:
            self._re_followed_by = re.compile(self.inline_followed_by)

    @property
    def not_before(self) -> re.Pattern[str] | None:
        return self._re_not_before

    @property
    def followed_by(self) -> re.Pattern[str] | None:
        return self._re_followed_by


class _RegexRule(_Strict):
    """A regular expression (Python syntax, matched on NFKC-normalised text), compiled once at load."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    pattern: str
    case_sensitive: bool = False
    note: str | None = None

    _compiled: re.Pattern[str] | None = PrivateAttr(default=None)

    @field_validator("pattern")
    @classmethod
    def _regex(cls, v: str) -> str:
        _check_regex(v)
        if re.compile(v).match(""):
            raise ValueError(f"pattern {v!r} matches the empty string")
        return v

    def model_post_init(self, __context: Any) -> None:
        self._compiled = _compile(self.pattern, self.case_sensitive)

    @property
    def regex(self) -> re.Pattern[str]:
        assert self._compiled is not None
        return self._compiled


class PatternRule(_RegexRule):
    """A hashtag pattern or a disclosure sentence, with the strength of what it finds."""

    strength: Strength


class ContradictionRule(_RegexRule):
    """Wording that takes a disclosure back ("not sponsored", 「PRではありません」).

    ``contexts`` limits a rule to some check contexts (e.g. 「お客様の声」 only matters when a brand reuses
    creator content); empty means every context.
    """

    severity: Severity
    contexts: list[Literal["draft", "live_post", "brand_reuse"]] = Field(default_factory=list)


class Placement(_Strict):
    """How prominent a label must be.

    ``cluster_min_tags``: a run of at least this many hashtags is a "wall"; a label inside it must be among the
    first ``cluster_leading_allowed`` tags, otherwise it is buried. ``max_line``: the label must start on one
    of the first N lines (None: no line rule beyond the platform fold).
    """

    cluster_min_tags: int = Field(ge=2)
    cluster_leading_allowed: int = Field(ge=1)
    max_line: int | None = Field(default=None, ge=1)


class VideoRule(_Strict):
    """In-video disclosure: ``any`` of spoken/on-screen, or ``both``; severity when both are known absent."""

    require: Literal["any", "both"]
    absent: Severity


class MessageOverride(_Strict):
    message: Template | None = None
    fix: Template | None = None


class RulePack(_Strict):
    """One jurisdiction's rules. See ``docs/guide/compliance.md`` for a field-by-field description."""

    schema_version: Literal[1]
    code: str = Field(pattern=r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})?$")
    name: Localized
    authority: Localized
    in_force_since: date | None = None
    sources: list[Source] = Field(min_length=1)
    suggested_label: str = Field(min_length=1)
    suggested_sentence: Template
    labels: list[LabelRule] = Field(min_length=1)
    hashtag_patterns: list[PatternRule] = Field(default_factory=list)
    phrases: list[PatternRule] = Field(default_factory=list)
    contradictions: list[ContradictionRule] = Field(default_factory=list)
    placement: Placement
    video: VideoRule
    platform_tool: Literal["sufficient", "supplementary"]
    messages: dict[str, MessageOverride] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistency(self) -> RulePack:
        ids = [r.id for r in self.labels]
        ids += [r.id for r in (*self.hashtag_patterns, *self.phrases)]
        ids += [r.id for r in self.contradictions]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"rule ids must be unique within a pack; repeated: {', '.join(duplicates)}")
        if not any(r.strength == "clear" for r in self.labels) and not any(
            r.strength == "clear" for r in self.phrases
        ):
            raise ValueError("a pack needs at least one label or phrase of strength 'clear'")
        unknown = sorted(set(self.messages) - set(FINDING_CODES))
        if unknown:
            raise ValueError(f"messages for unknown finding codes: {', '.join(unknown)}")
        for text in (self.suggested_sentence.en, self.suggested_sentence.ja):
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
            if names - {"brand"}:
                raise ValueError("suggested_sentence may only use the {brand} placeholder")
        return self


class PlatformSpec(_Strict):
    """Where a platform folds a caption ("…more") and whether its posts are video by default.

    ``fold_chars`` counts display cells: a full-width character (kanji, kana, most emoji) takes two, because
    platforms fold by rendered width. ``fold_lines`` counts line breaks in the text.
    """

    name: Localized
    aliases: list[str] = Field(default_factory=list)
    fold_chars: int | None = Field(default=None, ge=1)
    fold_lines: int | None = Field(default=None, ge=1)
    video: bool = False
    note: str = Field(min_length=1)


class PlatformTable(_Strict):
    """Platforms plus the media types that force video rules on or off.

    A media type in neither list (``feed``, ``post``) keeps the platform's default: a TikTok feed post is video.
    """

    schema_version: Literal[1]
    default: str
    video_media_types: list[str] = Field(min_length=1)
    still_media_types: list[str] = Field(min_length=1)
    platforms: dict[str, PlatformSpec]

    @model_validator(mode="after")
    def _default_exists(self) -> PlatformTable:
        if self.default not in self.platforms:
            raise ValueError(f"default platform {self.default!r} is not defined")
        seen: dict[str, str] = {}
        for key, spec in self.platforms.items():
            for alias in (key, *spec.aliases):
                if alias in seen:
                    raise ValueError(f"platform name {alias!r} used by both {seen[alias]!r} and {key!r}")
                seen[alias] = key
        return self


class MessageCatalog(_Strict):
    schema_version: Literal[1]
    live_post_fix_prefix: Localized
    findings: dict[str, MessageOverride]

    @model_validator(mode="after")
    def _complete(self) -> MessageCatalog:
        missing = [c for c in FINDING_CODES if c not in self.findings]
        unknown = sorted(set(self.findings) - set(FINDING_CODES))
        incomplete = [c for c, m in self.findings.items() if m.message is None or m.fix is None]
        if missing or unknown or incomplete:
            raise ValueError(
                f"catalog must define message and fix for every finding code; missing={missing}, "
                f"unknown={unknown}, incomplete={incomplete}"
            )
        return self


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(root)"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RulePackError(f"cannot read {path}: {exc}", details={"path": str(path)}) from exc


def load_pack(path: Path) -> RulePack:
    """Load and validate one pack; its ``code`` must equal the file name (``jp.json`` holds ``"jp"``)."""
    raw = _read_json(path)
    try:
        pack = RulePack.model_validate(raw)
    except ValidationError as exc:
        raise RulePackError(
            f"invalid rule pack {path}: {_describe(exc)}", details={"path": str(path)}
        ) from exc
    if pack.code != path.stem:
        raise RulePackError(
            f"invalid rule pack {path}: code {pack.code!r} does not match the file name {path.stem!r}",
            details={"path": str(path)},
        )
    return pack


@dataclass(frozen=True)
class RuleRegistry:
    """The packs, platform table and message catalog the engine checks against."""

    packs: Mapping[str, RulePack]
    platforms: PlatformTable
    catalog: MessageCatalog
    _alias_index: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for key, spec in self.platforms.platforms.items():
            for alias in (key, *spec.aliases):
                self._alias_index[alias.casefold()] = key

    @property
    def jurisdictions(self) -> list[str]:
        return sorted(self.packs)

    def pack(self, code: str) -> RulePack:
        try:
            return self.packs[code.strip().lower()]
        except KeyError:
            raise UnknownJurisdiction(
                f"unknown jurisdiction {code!r}; available: {', '.join(self.jurisdictions)}",
                details={"available": self.jurisdictions},
            ) from None

    def platform(self, name: str | None) -> tuple[str, PlatformSpec]:
        """Resolve a platform name or alias (case-insensitive); ``None`` gives the conservative default."""
        key = self.platforms.default if name is None else self._alias_index.get(name.strip().casefold())
        if key is None:
            raise UnknownPlatform(
                f"unknown platform {name!r}; available: {', '.join(sorted(self.platforms.platforms))}",
                details={"available": sorted(self.platforms.platforms)},
            )
        return key, self.platforms.platforms[key]

    def template(self, pack: RulePack, code: str, part: Literal["message", "fix"]) -> Template:
        for source in (pack.messages.get(code), self.catalog.findings[code]):
            if source is not None:
                chosen = source.message if part == "message" else source.fix
                if chosen is not None:
                    return chosen
        raise RulePackError(f"no {part} text for finding {code!r}")  # the catalog validator prevents this


def _pack_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise RulePackError(
            f"rule pack directory {directory} does not exist", details={"path": str(directory)}
        )
    return sorted(p for p in directory.glob("*.json") if p.is_file())


def load_registry(
    directories: Iterable[Path] = (),
    *,
    include_builtin: bool = True,
    data_dir: Path = DATA_DIR,
) -> RuleRegistry:
    """Build a registry from the built-in packs plus ``directories`` (later directories win on a code clash)."""
    packs: dict[str, RulePack] = {}
    dirs = [RULES_DIR] if include_builtin else []
    dirs.extend(Path(d) for d in directories)
    for directory in dirs:
        for path in _pack_files(directory):
            pack = load_pack(path)
            packs[pack.code] = pack
    if not packs:
        raise RulePackError("no rule packs found", details={"directories": [str(d) for d in dirs]})
    try:
        platforms = PlatformTable.model_validate(_read_json(data_dir / "platforms.json"))
        catalog = MessageCatalog.model_validate(_read_json(data_dir / "messages.json"))
    except ValidationError as exc:
        raise RulePackError(f"invalid compliance data in {data_dir}: {_describe(exc)}") from exc
    return RuleRegistry(packs=packs, platforms=platforms, catalog=catalog)


def extra_directories_from_env() -> list[Path]:
    value = os.environ.get(RULES_PATH_ENV, "")
    return [Path(p) for p in value.split(os.pathsep) if p.strip()]


# Loaded once at import: a malformed pack must fail loudly at start-up, not on the first caption.
DEFAULT_REGISTRY: RuleRegistry = load_registry(extra_directories_from_env())
