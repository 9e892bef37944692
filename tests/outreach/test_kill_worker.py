"""SIGKILL a real sending process mid-batch against a real SMTP server: no duplicate, no loss after restart.

The SMTP server behaves like Gmail/Outlook submission: it files every accepted message into the sender's IMAP
Sent folder (Dovecot) before answering 250, so a send interrupted between the final dot and the reply can be
resolved with evidence (docs/adr/0300-exactly-once-sending.md).
"""

from __future__ import annotations

import collections
import imaplib
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any

from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.models.campaign import Campaign
from kizuna.models.outreach_message import OutreachMessage
from kizuna.outreach import service
from tests.outreach.conftest import Dovecot, SmtpServer, make_influencer, make_mailbox, one_step

N = 40


def _run_worker() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "kizuna.cli.main", "outreach", "send-due"],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_for(predicate: Any, timeout: float = 90.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.01)
    raise AssertionError("timed out")


def test_sigkill_mid_batch_neither_duplicates_nor_loses(
    ws: Any, smtp_server: SmtpServer, dovecot: Dovecot
) -> None:
    user, password = dovecot.add_user("kill-test@brand.example")
    lock = threading.Lock()
    conn_box: dict[str, imaplib.IMAP4] = {}

    def file_into_sent(data: bytes) -> None:
        with lock:
            if "c" not in conn_box:
                conn_box["c"] = dovecot.imap(user, password)
            typ, resp = conn_box["c"].append('"Sent"', None, None, data)
            assert typ == "OK", resp

    smtp_server.handler.file_sent = file_into_sent
    smtp_server.handler.delay = 0.03
    with unit_of_work() as uow:
        s = uow.session
        make_mailbox(s, ws["workspace_id"], smtp_server, imap=dovecot, imap_user=user)
        camp = Campaign(workspace_id=ws["workspace_id"], name="春のリップ")
        s.add(camp)
        s.flush()
        ids = [
            make_influencer(s, ws["workspace_id"], f"Creator {i}", f"c{i}@creator.example").id
            for i in range(N)
        ]
        seq = service.create_sequence(
            s, ws["workspace_id"], name="K", steps=one_step(), offer="x", campaign_id=camp.id
        )
        assert len(service.enroll(s, ws["workspace_id"], seq, ids).enrolled) == N

    kills = 0
    for threshold in (8, 22):
        proc = _run_worker()
        _wait_for(lambda t=threshold, p=proc: len(smtp_server.messages) >= t or p.poll() is not None)
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else b""
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        kills += 1
        with unit_of_work() as uow:
            statuses = collections.Counter(
                uow.session.execute(select(OutreachMessage.status)).scalars().all()
            )
        # the batch really was interrupted: claimed messages were left behind in 'sending'
        assert statuses["sending"] > 0, statuses
    assert kills == 2

    final = _run_worker()
    out, err = final.communicate(timeout=120)
    assert final.returncode == 0, err.decode()
    print(out.decode())

    received = [m.message_id for m in smtp_server.messages]
    duplicates = [mid for mid, n in collections.Counter(received).items() if n > 1]
    assert duplicates == [], f"duplicates delivered: {duplicates}"
    with unit_of_work() as uow:
        rows = list(
            uow.session.execute(select(OutreachMessage).where(OutreachMessage.direction == "out")).scalars()
        )
    assert len(rows) == N  # one message per step, whatever happened
    assert {r.status for r in rows} == {"sent"}, collections.Counter(r.status for r in rows)
    assert sorted(r.message_id for r in rows) == sorted(received)  # nothing lost, nothing extra
    assert sorted(rcpt for m in smtp_server.messages for rcpt in m.rcpt) == sorted(
        f"c{i}@creator.example" for i in range(N)
    )
    if "c" in conn_box:
        conn_box["c"].logout()
