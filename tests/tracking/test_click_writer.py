"""The redirect server's per-worker buffer: generations, writer locks, and what each flusher may drain."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import func, select

from kizuna.db import unit_of_work
from kizuna.models.campaign import Campaign
from kizuna.models.click_event import ClickEvent
from kizuna.tracking import buffer, links
from kizuna.tracking.buffer import Click, ClickWriter, click_row
from tests.campaigns.helpers import ctx_for, setup_campaign


def _rows(info: dict[str, Any], n: int, start: int) -> list[tuple[object, ...]]:
    return [
        click_row(
            Click(
                click_id=f"{start + i:024x}",
                link_id=info["link_id"],
                workspace_id=info["workspace_id"],
                campaign_id=info["campaign_id"],
                influencer_id=None,
                ts=time.time(),
                referrer_host="",
                device="mobile",
                country=None,
                ip_hash="x" * 32,
            )
        )
        for i in range(n)
    ]


def _events() -> int:
    with unit_of_work() as uow:
        return int(uow.session.execute(select(func.count(ClickEvent.id))).scalar_one())


def test_generations_are_drained_once_finished_and_removed(owner: dict[str, Any]) -> None:
    info = setup_campaign(owner)
    with ctx_for(info) as ctx:
        link = links.create_link(
            ctx.session,
            workspace=ctx.workspace,
            campaign=ctx.get(Campaign, info["campaign_id"]),
            destination="https://shop.example.com/",
        )
        info["link_id"] = link.id
    writer = ClickWriter(7, rotate_seconds=3600)
    try:
        first = writer.path
        writer.settle()  # the next generation is prepared in advance: empty, locked, not drained
        assert buffer.flush(live=False) == 0
        writer.append_rows(_rows(info, 5, 0))
        # The server's own flusher leaves a generation alone while its worker writes it ...
        assert buffer.flush(live=False) == 0
        assert writer.rotate() is False  # not old enough
        assert writer.rotate(force=True) is True
        second = writer.path
        assert second != first and second.name > first.name
        writer.append_rows(_rows(info, 3, 100))
        writer.settle()
        # ... and drains it once finished, then removes the finished file.
        assert buffer.flush(live=False) == 5
        assert not first.exists() and second.exists()
        # `kizuna tracking flush` (live=True) also takes what the current generation holds.
        assert buffer.flush() == 3
        writer.append_rows(_rows(info, 2, 200))
        assert buffer.find_pending(f"{200:024x}") is not None
    finally:
        writer.close()
    # A worker that stopped (or died): everything drained; only its newest (prepared, empty) file is kept, so
    # that the next worker's generations number on from it.
    assert buffer.flush(live=False) == 2
    assert not second.exists()
    left = buffer.buffer_files()[1:]
    assert len(left) == 1 and left[0].name > second.name
    assert _events() == 10
    nxt = ClickWriter(7)
    try:
        assert nxt.path.name > left[0].name
    finally:
        nxt.close()
    buffer.flush(live=False)
    assert not left[0].exists()  # no longer the newest
