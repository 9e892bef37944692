"""Outreach benchmark: render-and-send throughput against a plain smtplib floor, and reply matching speed.

    .venv/bin/python bench/bench_outreach.py [N]

1. N personalised messages (Jinja2 sandbox render, legal footer, exactly-once bookkeeping: claim commit,
   acceptance journal, sent commit) sent by the engine to a local aiosmtpd (separate process, discarding sink),
   limits off. Floor: a plain smtplib loop sending the same pre-rendered MIME bytes over one connection to the
   same server, in the same run.
2. N inbound replies matched to threads (parse + classify + match + apply): 60% by In-Reply-To, 20% by subject
   thread, 20% by sender address only.
"""

from __future__ import annotations

import os
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
WARM = 50
TMP = Path(tempfile.mkdtemp(prefix="kizuna-bench-outreach-"))
os.environ["KIZUNA_DATA_DIR"] = str(TMP)
os.environ["KIZUNA_DATABASE_URL"] = f"sqlite:///{TMP / 'bench.db'}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


PORT = free_port()


def start_sink(port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("aiosmtpd did not start")


def floor_loop(payloads: list[tuple[str, bytes]]) -> float:
    """A plain smtplib loop over one connection: the fastest a single client can hand messages over."""
    smtp = smtplib.SMTP("127.0.0.1", PORT)
    for to_addr, raw in payloads[:WARM]:
        smtp.sendmail("sales@brand.example", [to_addr], raw)
    t0 = time.perf_counter()
    for to_addr, raw in payloads[WARM:]:
        smtp.sendmail("sales@brand.example", [to_addr], raw)
    elapsed = time.perf_counter() - t0
    smtp.quit()
    return elapsed


def main() -> None:
    from sqlalchemy import select

    from kizuna import migrations
    from kizuna.accounts import service as accounts
    from kizuna.db import get_engine, unit_of_work
    from kizuna.integrations.mail.parse import parse
    from kizuna.models.campaign import Campaign
    from kizuna.models.influencer import Influencer
    from kizuna.models.outreach_mailbox import OutreachMailbox
    from kizuna.models.outreach_message import OutreachMessage
    from kizuna.models.post import Post
    from kizuna.models.social_account import SocialAccount
    from kizuna.outreach import engine, inbox, mailboxes, service, templating
    from kizuna.outreach.classify import classify

    eng = get_engine()
    migrations.upgrade(eng)
    port = PORT
    sink = start_sink(port)
    try:
        with unit_of_work() as uow:
            s = uow.session
            user = accounts.create_user(
                s, email="bench@example.com", password="correct horse battery", name="b"
            )
            ws = accounts.create_workspace(s, owner=user, slug="bench", name="Bench")
            ws.sender_identity = "Kizuna株式会社 東京都渋谷区1-2-3"
            mb = mailboxes.apply_settings(
                OutreachMailbox(workspace_id=ws.id),
                {
                    "name": "m",
                    "from_email": "sales@brand.example",
                    "from_name": "佐藤",
                    "smtp_host": "127.0.0.1",
                    "smtp_port": port,
                    "smtp_security": "none",
                    "limits_enabled": False,
                },
            )
            s.add(mb)
            camp = Campaign(workspace_id=ws.id, name="春のリップ")
            s.add(camp)
            s.flush()
            infs = [
                Influencer(
                    workspace_id=ws.id,
                    display_name=f"クリエイター{i}",
                    emails=[f"c{i}@creator.example"],
                    timezone="Asia/Tokyo",
                    tier="micro",
                )
                for i in range(N)
            ]
            s.add_all(infs)
            s.flush()
            accs = [
                SocialAccount(
                    workspace_id=ws.id,
                    influencer_id=inf.id,
                    platform="instagram",
                    handle=f"@c{i}",
                    handle_key=f"c{i}",
                    followers=20000 + i,
                )
                for i, inf in enumerate(infs)
            ]
            s.add_all(accs)
            s.flush()
            s.add_all(
                Post(
                    workspace_id=ws.id,
                    social_account_id=a.id,
                    platform_post_id=f"p{a.id}",
                    caption=f"春の新作コスメ {a.id} を使ってみました。発色がとても綺麗です",
                    url=f"https://instagram.com/p/{a.id}",
                )
                for a in accs
            )
            t = templating.STARTER_TEMPLATES[0]
            seq = service.create_sequence(
                s,
                ws.id,
                name="bench",
                offer="新作リップを1本お送りします",
                steps=[{"kind": "email", "delay_days": 0, "subject": t["subject"], "body": t["body"]}],
                campaign_id=camp.id,
            )
            service.enroll(s, ws.id, seq, [i.id for i in infs])
            ws_id = ws.id

        warm = engine.send_due(limit=WARM, poll_first=False)  # imports, caches, connections: not timed
        assert warm.delivery.sent == WARM, warm
        with unit_of_work() as uow:
            box0 = uow.session.execute(select(OutreachMailbox)).scalar_one()
            pre = [
                (r.to_addr, engine.to_mime(r, box0))
                for r in uow.session.execute(select(OutreachMessage)).scalars()
            ]
        # The floor is measured before and after the engine (the machine is shared; load drifts) and averaged.
        floor_before = floor_loop((pre * (N // max(1, len(pre)) + 1))[:N])
        t0 = time.perf_counter()
        rec = engine.reconcile()
        prof = None
        if os.environ.get("KIZUNA_BENCH_PROFILE"):
            import cProfile

            prof = cProfile.Profile()
            prof.enable()
        with unit_of_work() as uow:
            claim = engine.claim_due(uow.session, limit=N)
        t_claim = time.perf_counter()
        if prof is not None:
            import pstats

            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        delivery = engine.deliver(claim.claimed)
        kizuna_s = time.perf_counter() - t0
        claim_s = t_claim - t0
        assert rec.sent == 0 and delivery.sent == N - WARM, delivery

        with unit_of_work() as uow:
            rows = list(uow.session.execute(select(OutreachMessage).order_by(OutreachMessage.id)).scalars())
            box = uow.session.execute(select(OutreachMailbox)).scalar_one()
            payloads = [(r.to_addr, engine.to_mime(r, box)) for r in rows]
            sent_ids = [(r.message_id, r.to_addr, r.subject) for r in rows]

        floor_after = floor_loop(payloads)
        floor_s = (floor_before + floor_after) / 2

        # reply matching
        mails = []
        for i, (mid, to_addr, subject) in enumerate(sent_ids):
            m = EmailMessage()
            m["From"] = to_addr
            m["To"] = "sales@brand.example"
            m["Message-ID"] = make_msgid(domain="creator.example")
            kind = i % 5
            if kind < 3:
                m["Subject"] = f"Re: {subject}"
                m["In-Reply-To"] = mid
                m["References"] = mid
            elif kind == 3:
                m["Subject"] = f"RE: {subject}"
            else:
                m["Subject"] = "ご連絡ありがとうございます"
            m.set_content(
                "ご連絡ありがとうございます。ぜひ詳しく教えてください。\n\n> 突然のご連絡失礼いたします"
            )
            mails.append(m.as_bytes())
        # (a) matching only: parse + classify + match every message to its thread, one index per batch
        t0 = time.perf_counter()
        with unit_of_work() as uow:
            parsed = [parse(raw) for raw in mails]
            index = inbox.ThreadIndex(uow.session, ws_id)
            index.preload(parsed)
            matched = sum(1 for m in parsed if index.match(m, classify(m)).via)
        match_s = time.perf_counter() - t0
        assert matched == N, matched
        # (b) the whole poll effect: record the replies, stop the sequences, credit replies, move the pipeline
        t0 = time.perf_counter()
        with unit_of_work() as uow:
            stats = inbox.process(
                uow.session, ws_id, None, ((f"bench:{i}", parse(raw)) for i, raw in enumerate(mails))
            )
        apply_s = time.perf_counter() - t0
        assert stats.matched == N and stats.replies == N, stats
    finally:
        sink.terminate()
        sink.wait(timeout=10)

    kizuna_rate = (N - WARM) / kizuna_s
    floor_rate = (N - WARM) / floor_s
    print(f"messages: {N} ({WARM} warm-up, {N - WARM} timed)")
    print(f"kizuna render+send (exactly-once): {kizuna_s:.2f} s, {kizuna_rate:.0f} msg/s")
    print(
        f"plain smtplib floor (pre-rendered): {floor_s:.2f} s, {floor_rate:.0f} msg/s "
        f"(before: {(N - WARM) / floor_before:.0f} msg/s, after: {(N - WARM) / floor_after:.0f} msg/s)"
    )
    print(f"ratio: {kizuna_rate / floor_rate:.0%} of the floor (goal >= 50%)")
    print(
        f"  of which claim+render+commit: {claim_s:.2f} s, SMTP delivery with journal and sent commits: {kizuna_s - claim_s:.2f} s"
    )
    print(f"reply matching (parse, classify, match to thread): {N} messages in {match_s:.2f} s (goal < 10 s)")
    print(f"matching and applying (record, stop sequences, credit replies, pipeline, audit): {apply_s:.2f} s")


if __name__ == "__main__":
    main()
