"""QR codes for tracking links (print, packaging, event booths), as SVG and PNG, made locally with segno."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str, *, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", scale=scale, border=2, xmldecl=True)
    return out.getvalue()


def qr_png(url: str, *, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()
