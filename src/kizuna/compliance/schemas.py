"""API shapes of the compliance check. ``ResultOut`` is the same ``{verdict, findings}`` the CLI prints."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kizuna.compliance.engine import Context, Verdict

# Instagram allows 2,200 characters, YouTube descriptions 5,000; a brand page excerpt can be longer.
MAX_TEXT = 20_000


class CheckIn(BaseModel):
    """A sponsored text to check. Video flags record what a person verified (``null``: not checked)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=MAX_TEXT)
    jurisdictions: list[str] = Field(min_length=1, max_length=10, examples=[["jp", "us"]])
    platform: str | None = Field(default=None, max_length=40, examples=["instagram"])
    media_type: str | None = Field(default=None, max_length=20, examples=["reel"])
    has_spoken_disclosure: bool | None = None
    has_onscreen_disclosure: bool | None = None
    has_platform_disclosure: bool | None = None
    context: Context = "draft"
    lang: Literal["en", "ja"] | None = Field(
        default=None, description="Language of messages and fixes; defaults to the caller's locale"
    )


class FindingOut(BaseModel):
    code: str
    message: str
    position: int | None
    jurisdiction: str
    fix: str


class ResultOut(BaseModel):
    verdict: Verdict
    findings: list[FindingOut]


class CheckOut(ResultOut):
    """The worst verdict, every finding (each names its jurisdiction) and the result per jurisdiction."""

    by_jurisdiction: dict[str, ResultOut]


class PackOut(BaseModel):
    code: str
    name: str
    authority: str
    in_force_since: str | None
    clear: list[str]
    weak: list[str]
    ambiguous: list[str]
    sources: list[str]


class RulesOut(BaseModel):
    jurisdictions: list[PackOut]
    platforms: list[str]
