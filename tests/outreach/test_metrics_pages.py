"""The outreach results page and a sequence's A/B table name their rows in the reader's language ("ステップ 1 /
パターンB", "（インライン：…）"), never the API's English keys ("step 1 / B", "(inline)"); why an enrollment stopped
reads as words, not as a stored code."""

from __future__ import annotations

import re
from typing import Any

from kizuna.db import unit_of_work
from kizuna.kit.time import utcnow
from kizuna.models.outreach_enrollment import OutreachEnrollment
from kizuna.models.outreach_message import OutreachMessage
from kizuna.outreach import metrics, service
from kizuna.outreach.pages import stop_detail_text
from tests.conftest import login
from tests.outreach.conftest import make_influencer, one_step


def _world(ws: dict[str, Any]) -> int:
    with unit_of_work() as uow:
        s = uow.session
        wid = ws["workspace_id"]
        people = [make_influencer(s, wid, f"Creator {n}", f"c{n}@creator.example") for n in range(3)]
        seq = service.create_sequence(s, wid, name="Spring", steps=one_step())
        service.enroll(s, wid, seq, [p.id for p in people])
        s.flush()
        enrollments = list(s.query(OutreachEnrollment).order_by(OutreachEnrollment.id))
        for i in range(20):
            variant = "A" if i % 2 else "B"
            s.add(
                OutreachMessage(
                    workspace_id=wid,
                    enrollment_id=enrollments[0].id,
                    direction="out",
                    kind="sequence",
                    status="sent",
                    step_index=0,
                    variant=variant,
                    message_id=f"<m{i}@x>",
                    replied_at=utcnow() if variant == "B" and i % 4 == 0 else None,
                )
            )
        blocked, gone = enrollments[1], enrollments[2]
        blocked.status, blocked.stop_reason = "blocked", "template_missing_variables"
        blocked.stop_detail = "Missing variables: influencer.nickname"
        gone.status, gone.stop_reason, gone.stop_detail = "stopped", "influencer_missing", ""
        return seq.id


def _cells(html: str, testid: str) -> list[str]:
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr><td>([^<]*)</td>", table)


def test_results_rows_read_in_japanese_and_english(client: Any, ws: Any) -> None:
    seq_id = _world(ws)
    login(client, "owner@example.com")

    client.cookies.set("kizuna_lang", "ja")
    html = client.get("/w/acme/outreach/metrics").text
    assert _cells(html, "metrics-step") == ["ステップ 1"]
    assert _cells(html, "metrics-variant") == ["ステップ 1 / パターンA", "ステップ 1 / パターンB"]
    assert _cells(html, "metrics-template") == ["（インライン：ステップに直接記入）"]
    assert "step 1" not in html and "(inline)" not in html

    seq = client.get(f"/w/acme/outreach/sequences/{seq_id}").text
    ab = seq.split('data-testid="ab-results"', 1)[1].split("</section>", 1)[0]
    assert "<th>ステップ 1</th>" in ab and "<td>パターンA</td>" in ab and "<td>パターンB</td>" in ab
    assert "優勢: <strong>パターンB</strong>" in ab
    assert "step 1" not in seq
    # why enrollments stopped: words, not codes; a blocked template's fixed message in Japanese
    assert "変数不足" in seq and "不足している変数：influencer.nickname" in seq
    assert "インフルエンサーが見つからない" in seq and "influencer_missing" not in seq
    assert "Missing variables" not in seq

    client.cookies.set("kizuna_lang", "en")
    html = client.get("/w/acme/outreach/metrics").text
    assert _cells(html, "metrics-variant") == ["Step 1 / variant A", "Step 1 / variant B"]
    assert _cells(html, "metrics-template") == ["(inline, written in the step)"]
    seq = client.get(f"/w/acme/outreach/sequences/{seq_id}").text
    assert "Leading: <strong>Variant B</strong>" in seq
    assert "Influencer missing" in seq and "influencer_missing" not in seq

    # a mail server's answer stays as it came; the API keeps its keys
    assert stop_detail_text("421 try later") == "421 try later"
    with unit_of_work() as uow:
        keys = [r.key for r in metrics.breakdown(uow.session, "variant")]
    assert keys == ["step 1 / A", "step 1 / B"]
