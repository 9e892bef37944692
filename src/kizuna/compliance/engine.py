"""The disclosure compliance engine: is this sponsored post clearly labelled as an ad?

``check()`` reads a caption (or a brand page's text around reused creator content) against one jurisdiction's
rule pack and returns a verdict with findings. The caller asserts that the post is sponsored; the engine decides
whether the disclosure is present, clear, prominent and not taken back. It works in four steps:

1. **Detect** every label, tag and sentence the pack knows, on NFKC-normalised text, in the forms the pack
   allows (``#PR``, ``【PR】``, ``Ad:`` at the start of a line, ``広告です`` in running text...). Words that
   merely contain a label (``PRODUCT``, ``#adventure``, ``Ad-free``, ``広告代理店``) are not detections, and
   labels inside a contradicting phrase (``not sponsored``, 「PRではありません」) are discarded.
2. **Place** each detection: is it before the platform's "…more" fold, on an allowed line, and not buried in a
   wall of hashtags?
3. **Decide** from the best detection: a clear, well-placed label passes; a misplaced one, a weak one, or only
   ambiguous tags produce findings; nothing at all is ``disclosure_missing`` (``brand_reuse_label_missing`` when
   a brand reuses creator content).
4. **Media**: video needs a disclosure in the video itself (spoken and/or on screen, per pack); unverified video
   is flagged for human review. A verified in-video (or on-image) disclosure makes caption findings moot; the
   platform's own "Paid partnership" tag turns them into a review item when the pack says it only supplements.

Verdict: ``non_compliant`` if any finding is a violation, else ``needs_review`` if any needs review, else
``compliant``. Nothing here is legal advice; the rules encode published guidance (see ``docs/guide/compliance.md``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from kizuna.compliance.packs import (
    DEFAULT_REGISTRY,
    LabelRule,
    Localized,
    PlatformSpec,
    RulePack,
    RuleRegistry,
    Severity,
    Strength,
)
from kizuna.compliance.text import (
    Hashtag,
    HashtagCluster,
    NormalizedText,
    find_hashtags,
    hashtag_clusters,
    normalize,
)
from kizuna.errors import ValidationFailed

Verdict = Literal["compliant", "non_compliant", "needs_review"]
Context = Literal["draft", "live_post", "brand_reuse"]
CONTEXTS: tuple[Context, ...] = ("draft", "live_post", "brand_reuse")

_STRENGTH_RANK: dict[str, int] = {"clear": 3, "weak": 2, "ambiguous": 1}
_OPEN_BRACKETS = "【[(「『〈《〔<"
_CLOSE_BRACKETS = "】])」』〉》〕>"
_MENTION = re.compile(r"(?<![\w.])@([A-Za-z0-9_.]*[A-Za-z0-9_])")
_PREVIEW_CHARS = 40
_SENTENCE_END = "。．.!?！？\n"
_QUOTE_MAX = 60


@dataclass(frozen=True)
class Detection:
    """A disclosure word or sentence found in the text.

    ``start``/``end`` index the normalised text; ``position``/``position_end`` the original text.
    """

    rule_id: str
    strength: Strength
    form: str
    start: int
    end: int
    position: int
    position_end: int
    line: int
    text: str


@dataclass(frozen=True)
class Finding:
    """One problem with the disclosure, with its message and fix in English and Japanese."""

    code: str
    severity: Severity
    position: int | None
    jurisdiction: str
    message: Localized
    fix: Localized

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """The public JSON shape: ``code, message, position, jurisdiction, fix`` in one language."""
        return {
            "code": self.code,
            "message": self.message.get(lang),
            "position": self.position,
            "jurisdiction": self.jurisdiction,
            "fix": self.fix.get(lang),
        }


@dataclass(frozen=True)
class Result:
    """The verdict for one text in one jurisdiction."""

    verdict: Verdict
    findings: tuple[Finding, ...]
    jurisdiction: str
    platform: str
    context: Context
    is_video: bool
    detections: tuple[Detection, ...] = field(default=())

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """The public JSON shape: ``{"verdict": ..., "findings": [...]}``."""
        return {"verdict": self.verdict, "findings": [f.to_dict(lang) for f in self.findings]}


# --------------------------------------------------------------------------------------------- detection


def _ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _glued(text: str, start: int, end: int) -> bool:
    """True when an ASCII label touches other ASCII letters/digits (PR in PRODUCT, ad in headache).

    A safety net under every non-hashtag form, so a pack cannot accidentally match inside a Latin word.
    """
    label = text[start:end]
    before = start > 0 and _ascii_alnum(label[0]) and _ascii_alnum(text[start - 1])
    after = end < len(text) and _ascii_alnum(label[-1]) and _ascii_alnum(text[end])
    return before or after


@dataclass(frozen=True)
class _LabelRegexes:
    bracket: re.Pattern[str]
    leading: re.Pattern[str]
    inline: re.Pattern[str]


@functools.cache
def _label_regexes(word_text: str, case_sensitive: bool, leading_space: bool) -> _LabelRegexes:
    """The bracket / line-leading / inline regexes of a label word (compiled once per distinct label)."""
    word = re.escape(word_text)
    case = 0 if case_sensitive else re.IGNORECASE
    # Brackets: 【PR】 [Ad] (広告) 「PR」, also 【提供：Brand】 — a separator may follow instead of the closer.
    bracket = re.compile(
        rf"[{re.escape(_OPEN_BRACKETS)}]\s*(?P<w>{word})\s*(?:[{re.escape(_CLOSE_BRACKETS)}]|[:|/])",
        re.IGNORECASE,
    )
    # Heading a line, after at most a few decorations (emoji, ※, ▼), followed by a separator or line end.
    separators = r"\s*[:|/.!]|\s+[-–—](?:\s|$)|[ \t]*$"
    if leading_space:
        separators += r"|[ \t]"
    leading = re.compile(rf"^[^\w\n]{{0,6}}?(?P<w>{word})(?={separators})", re.MULTILINE | case)
    inline = re.compile(rf"(?P<w>{word})", case)
    return _LabelRegexes(bracket=bracket, leading=leading, inline=inline)


class _Detector:
    def __init__(self, nt: NormalizedText, tags: list[Hashtag]) -> None:
        self.nt = nt
        self.tags = tags
        self.found: list[Detection] = []

    def add(self, rule_id: str, strength: Strength, form: str, start: int, end: int) -> None:
        pos, pos_end = self.nt.original_span(start, end)
        self.found.append(
            Detection(
                rule_id=rule_id,
                strength=strength,
                form=form,
                start=start,
                end=end,
                position=pos,
                position_end=pos_end,
                line=self.nt.line_of(pos),
                text=self.nt.original[pos:pos_end],
            )
        )

    def label(self, rule: LabelRule) -> None:
        text = self.nt.text
        regexes = _label_regexes(rule.text, rule.case_sensitive, rule.leading_space)
        if "hashtag" in rule.forms:
            wanted = rule.text.casefold()
            for tag in self.tags:
                if tag.body.casefold() == wanted:
                    self.add(rule.id, rule.strength, "hashtag", tag.start, tag.end)
        if "bracket" in rule.forms:
            for m in regexes.bracket.finditer(text):
                if not _glued(text, m.start("w"), m.end("w")):
                    self.add(rule.id, rule.strength, "bracket", m.start(), m.end())
        for form in ("leading", "inline"):
            if form not in rule.forms:
                continue
            pattern = regexes.leading if form == "leading" else regexes.inline
            for m in pattern.finditer(text):
                s, e = m.start("w"), m.end("w")
                if _glued(text, s, e):
                    continue
                if s > 0 and text[s - 1] == "#":
                    continue  # a hashtag is judged as a whole by the hashtag form
                if form == "inline" and rule.not_before and rule.not_before.search(text[max(0, s - 12) : s]):
                    continue
                if rule.followed_by and not rule.followed_by.match(text, e):
                    continue
                self.add(rule.id, rule.strength, form, s, e)


def _detect(
    pack: RulePack, nt: NormalizedText, tags: list[Hashtag], context: Context
) -> tuple[list[Detection], list[tuple[int, int, Severity, str]]]:
    text = nt.text
    contradictions: list[tuple[int, int, Severity, str]] = []
    for rule in pack.contradictions:
        if rule.contexts and context not in rule.contexts:
            continue
        for m in rule.regex.finditer(text):
            contradictions.append((m.start(), m.end(), rule.severity, rule.id))

    detector = _Detector(nt, tags)
    for label in pack.labels:
        detector.label(label)
    for tag_rule in pack.hashtag_patterns:
        for tag in tags:
            if tag_rule.regex.fullmatch(tag.body):
                detector.add(tag_rule.id, tag_rule.strength, "hashtag", tag.start, tag.end)
    for phrase in pack.phrases:
        for m in phrase.regex.finditer(text):
            if m.end() > m.start():
                detector.add(phrase.id, phrase.strength, "phrase", m.start(), m.end())

    # A label inside "not sponsored" / 「PRではありません」 is the opposite of a disclosure.
    kept = [
        d for d in detector.found if not any(cs < d.end and d.start < ce for cs, ce, _, _ in contradictions)
    ]
    return _merge_overlaps(kept), sorted(contradictions)


def _merge_overlaps(found: list[Detection]) -> list[Detection]:
    """One detection per stretch of text: the strongest wins (a clear sentence over the tag inside it)."""
    ordered = sorted(found, key=lambda d: (-_STRENGTH_RANK[d.strength], d.start, -(d.end - d.start)))
    chosen: list[Detection] = []
    for d in ordered:
        if not any(c.start < d.end and d.start < c.end for c in chosen):
            chosen.append(d)
    return sorted(chosen, key=lambda d: d.start)


# --------------------------------------------------------------------------------------------- placement


@dataclass(frozen=True)
class _Problem:
    code: str
    values: dict[str, Any]


def _cluster_of(clusters: list[HashtagCluster], start: int) -> tuple[HashtagCluster, int] | None:
    for cluster in clusters:
        idx = cluster.index_at(start)
        if idx is not None:
            return cluster, idx
    return None


def _placement_problems(
    d: Detection, pack: RulePack, spec: PlatformSpec, clusters: list[HashtagCluster], nt: NormalizedText
) -> list[_Problem]:
    problems: list[_Problem] = []
    below = (spec.fold_chars is not None and nt.width_to(d.position_end) > spec.fold_chars) or (
        spec.fold_lines is not None and d.line >= spec.fold_lines
    )
    if below:
        problems.append(_Problem("disclosure_below_fold", {}))
    hit = _cluster_of(clusters, d.start)
    if hit is not None:
        cluster, idx = hit
        if (
            len(cluster.tags) >= pack.placement.cluster_min_tags
            and idx >= pack.placement.cluster_leading_allowed
        ):
            problems.append(
                _Problem(
                    "disclosure_buried_in_hashtags", {"tag_index": idx + 1, "tag_count": len(cluster.tags)}
                )
            )
    max_line = pack.placement.max_line
    if max_line is not None and d.line >= max_line:
        problems.append(_Problem("disclosure_not_in_first_lines", {"line": d.line + 1}))
    return problems


# --------------------------------------------------------------------------------------------- messages


def _fold_text(spec: PlatformSpec) -> Localized:
    en: list[str] = []
    ja: list[str] = []
    if spec.fold_chars is not None:
        en.append(f"{spec.fold_chars} half-width characters")
        ja.append(f"半角{spec.fold_chars}文字分")
    if spec.fold_lines is not None:
        en.append(f"{spec.fold_lines} lines")
        ja.append(f"{spec.fold_lines}行")
    if not en:
        return Localized(en="the whole text", ja="全文")
    return Localized(en="the first " + " or ".join(en), ja="最初の" + "・".join(ja) + "程度")


def _quote(original: str, d: Detection) -> tuple[str, tuple[int, int]]:
    """What to call a detection in a message, and the span to move: a tag or label as written, or for a
    sentence pattern the whole sentence around it (「…から商品提供を受け」 alone would read as a fragment)."""
    if d.form != "phrase":
        return d.text, (d.position, d.position_end)
    start = d.position
    while start > 0 and original[start - 1] not in _SENTENCE_END and d.position - start < _QUOTE_MAX:
        start -= 1
    end = d.position_end
    while (
        end < len(original) and original[end - 1] not in _SENTENCE_END and end - d.position_end < _QUOTE_MAX
    ):
        end += 1
    while start < end and original[start].isspace():
        start += 1
    return original[start:end].strip(), (start, end)


def _preview(original: str, lead: str, cut: tuple[int, int] | None) -> str:
    body = original if cut is None else original[: cut[0]] + original[cut[1] :]
    body = " ".join(body.split())
    if len(body) > _PREVIEW_CHARS:
        body = body[:_PREVIEW_CHARS].rstrip() + "…"
    sep = "" if lead.endswith(tuple(_CLOSE_BRACKETS + "。！？")) or not body else " "
    return f"{lead}{sep}{body}"


class _Renderer:
    """Fills the pack's (or catalog's) templates for one check, in both languages."""

    def __init__(
        self,
        registry: RuleRegistry,
        pack: RulePack,
        spec: PlatformSpec,
        nt: NormalizedText,
        context: Context,
    ) -> None:
        self.registry = registry
        self.pack = pack
        self.nt = nt
        self.context = context
        mention = _MENTION.search(nt.text)
        brand = Localized(en=f"@{mention.group(1)}", ja=f"@{mention.group(1)}") if mention else None
        self.brand = brand or Localized(en="[brand]", ja="〇〇")
        video = pack.video.require
        self.base: dict[str, Localized] = {
            "authority": pack.authority,
            "jurisdiction_name": pack.name,
            "platform": spec.name,
            "fold": _fold_text(spec),
            "required": Localized(
                en="spoken and on-screen" if video == "both" else "spoken or on-screen",
                ja="音声と画面表示の両方" if video == "both" else "音声または画面表示",
            ),
            "brand": self.brand,
        }

    def finding(
        self,
        code: str,
        severity: Severity,
        *,
        position: int | None,
        label: str = "",
        phrase: str = "",
        lead: str | None = None,
        cut: tuple[int, int] | None = None,
        values: dict[str, Any] | None = None,
    ) -> Finding:
        texts: dict[str, str] = {}
        for lang in ("en", "ja"):
            fields: dict[str, Any] = {k: v.get(lang) for k, v in self.base.items()}
            suggested_sentence = self.pack.suggested_sentence.get(lang).format(brand=self.brand.get(lang))
            fields.update(
                suggested=self.pack.suggested_label,
                suggested_sentence=suggested_sentence,
                label=label,
                phrase=phrase,
                preview=_preview(self.nt.original, lead or self.pack.suggested_label, cut),
                line="",
                max_line=self.pack.placement.max_line or "",
                tag_index="",
                tag_count="",
            )
            fields.update(values or {})
            message = self.registry.template(self.pack, code, "message").get(lang).format(**fields)
            fix = self.registry.template(self.pack, code, "fix").get(lang).format(**fields)
            if self.context == "live_post":
                fix = self.registry.catalog.live_post_fix_prefix.get(lang) + fix
            texts[f"message_{lang}"] = message
            texts[f"fix_{lang}"] = fix
        return Finding(
            code=code,
            severity=severity,
            position=position,
            jurisdiction=self.pack.code,
            message=Localized(en=texts["message_en"], ja=texts["message_ja"]),
            fix=Localized(en=texts["fix_en"], ja=texts["fix_ja"]),
        )


# --------------------------------------------------------------------------------------------- decision


def _caption_findings(
    detections: list[Detection],
    pack: RulePack,
    spec: PlatformSpec,
    clusters: list[HashtagCluster],
    context: Context,
    render: _Renderer,
) -> list[Finding]:
    """Findings about the text label itself (present, clear, prominent)."""
    by_strength = {s: [d for d in detections if d.strength == s] for s in ("clear", "weak", "ambiguous")}
    placed = {id(d): _placement_problems(d, pack, spec, clusters, render.nt) for d in detections}

    def problems_of(d: Detection) -> list[Finding]:
        quote, span = _quote(render.nt.original, d)
        return [
            render.finding(
                p.code,
                "violation",
                position=span[0],
                label=quote,
                lead=quote,
                cut=span,
                values=p.values,
            )
            for p in placed[id(d)]
        ]

    clear = by_strength["clear"]
    if any(not placed[id(d)] for d in clear):
        return []
    if clear:
        return problems_of(clear[0])
    weak = by_strength["weak"]
    if weak:
        well_placed = [d for d in weak if not placed[id(d)]]
        d = well_placed[0] if well_placed else weak[0]
        quote, span = _quote(render.nt.original, d)
        unclear = render.finding("disclosure_unclear_wording", "review", position=span[0], label=quote)
        return [*problems_of(d), unclear]
    ambiguous = by_strength["ambiguous"]
    if ambiguous:
        names = "”, “".join(dict.fromkeys(d.text for d in ambiguous))
        return [
            render.finding(
                "ambiguous_disclosure_only", "violation", position=ambiguous[0].position, label=names
            )
        ]
    code = "brand_reuse_label_missing" if context == "brand_reuse" else "disclosure_missing"
    return [render.finding(code, "violation", position=None)]


def _verdict(findings: Iterable[Finding]) -> Verdict:
    severities = {f.severity for f in findings}
    if "violation" in severities:
        return "non_compliant"
    if "review" in severities:
        return "needs_review"
    return "compliant"


def fold_offset(text: str, *, platform: str | None, registry: RuleRegistry | None = None) -> int | None:
    """Offset in ``text`` where the platform's "…more" fold hides the rest, or None if it all shows.

    For display (the web checker draws the fold); the placement rule itself is applied per detection.
    """
    _, spec = (registry or DEFAULT_REGISTRY).platform(platform)
    nt = normalize(text)
    cut: int | None = None
    if spec.fold_lines is not None and len(nt.line_breaks) >= spec.fold_lines:
        cut = nt.line_breaks[spec.fold_lines - 1]
    if spec.fold_chars is not None:
        for i in range(len(text)):
            if nt.width_to(i + 1) > spec.fold_chars:
                cut = i if cut is None else min(cut, i)
                break
    return cut


def check(
    text: str,
    *,
    jurisdiction: str,
    platform: str | None = None,
    media_type: str | None = None,
    has_spoken_disclosure: bool | None = None,
    has_onscreen_disclosure: bool | None = None,
    has_platform_disclosure: bool | None = None,
    context: Context = "draft",
    registry: RuleRegistry | None = None,
) -> Result:
    """Check a sponsored post's text against one jurisdiction's disclosure rules.

    ``platform`` picks the fold (``None``: the conservative default, Instagram's). ``media_type`` (``video``,
    ``reel``, ``short``, ``story``, ``live``, ``image``, ``text``...) overrides the platform's default medium.
    ``has_spoken_disclosure`` / ``has_onscreen_disclosure`` record what a person verified in the video or image
    (``None``: not checked). ``has_platform_disclosure``: the platform's branded-content tag is switched on.
    ``context``: ``draft``, ``live_post`` (already published) or ``brand_reuse`` (the brand showing creator
    content on its own site, ads or accounts). Raises ``UnknownJurisdiction`` / ``UnknownPlatform`` (422).
    """
    if context not in CONTEXTS:
        raise ValidationFailed(
            f"unknown context {context!r}; expected one of {', '.join(CONTEXTS)}",
            code="compliance_unknown_context",
        )
    reg = registry or DEFAULT_REGISTRY
    pack = reg.pack(jurisdiction)
    platform_key, spec = reg.platform(platform)
    nt = normalize(text)
    tags = find_hashtags(nt.text)
    clusters = hashtag_clusters(nt.text, tags)
    detections, contradictions = _detect(pack, nt, tags, context)
    render = _Renderer(reg, pack, spec, nt, context)

    medium = (media_type or "").strip().lower() or None
    if medium in reg.platforms.video_media_types:
        is_video = True
    elif medium in reg.platforms.still_media_types:
        is_video = False
    else:
        is_video = spec.video

    findings = _caption_findings(detections, pack, spec, clusters, context, render)

    in_media = has_onscreen_disclosure is True or (is_video and has_spoken_disclosure is True)
    if in_media:
        # The disclosure is made in the picture or the video itself, where the audience cannot miss it.
        findings = []
    elif findings and has_platform_disclosure:
        if pack.platform_tool == "sufficient":
            findings = []
        else:
            findings = [render.finding("platform_label_only", "review", position=None)]

    for start, end, severity, _rule_id in contradictions:
        pos, pos_end = nt.original_span(start, end)
        code = "disclosure_contradicted" if severity == "violation" else "disclosure_contradiction_suspected"
        findings.append(render.finding(code, severity, position=pos, phrase=nt.original[pos:pos_end]))

    if is_video:
        spoken, onscreen = has_spoken_disclosure, has_onscreen_disclosure
        confirmed = [v for v in (spoken, onscreen) if v is True]
        if not confirmed:
            if spoken is False and onscreen is False:
                findings.append(render.finding("video_disclosure_missing", pack.video.absent, position=None))
            else:
                findings.append(render.finding("video_disclosure_unverified", "review", position=None))
        elif pack.video.require == "both" and len(confirmed) < 2:
            findings.append(render.finding("video_disclosure_partial", "review", position=None))

    findings.sort(key=lambda f: (f.severity != "violation", f.position is None, f.position or 0))
    return Result(
        verdict=_verdict(findings),
        findings=tuple(findings),
        jurisdiction=pack.code,
        platform=platform_key,
        context=context,
        is_video=is_video,
        detections=tuple(detections),
    )
