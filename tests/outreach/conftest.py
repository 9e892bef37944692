"""Real mail servers for outreach tests: aiosmtpd (in-process) and a private Dovecot instance.

Dovecot runs as a child process with its own configuration in a temporary directory (passwd-file users,
maildir storage, plain IMAP on 127.0.0.1 on a free port). When CI is set and Dovecot is missing, tests that
need it fail instead of skipping.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.conftest import make_user_and_workspace, require_component

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- Dovecot ---------------------------------------------------------------------------------------------------


@dataclass
class Dovecot:
    root: Path
    port: int
    users: list[str] = field(default_factory=list)

    def add_user(self, name: str, password: str = "secret") -> tuple[str, str]:
        path = self.root / "users"
        before = path.stat().st_mtime if path.exists() else 0.0
        with path.open("a") as fh:
            fh.write(f"{name}:{{PLAIN}}{password}::::::\n")
        # Dovecot re-reads the passwd-file when its timestamp changes; two users added within one second
        # would otherwise look unchanged. Then wait until the new login is really accepted.
        bumped = max(time.time(), before + 1.0)
        os.utime(path, (bumped, bumped))
        deadline = time.monotonic() + 15
        while True:
            try:
                self.imap(name, password).logout()
                break
            except (OSError, imaplib.IMAP4.error):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.users.append(name)
        return name, password

    def imap(self, user: str, password: str = "secret") -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.port)
        conn.login(user, password)
        return conn

    def append(self, user: str, folder: str, raw: bytes) -> None:
        conn = self.imap(user)
        try:
            typ, data = conn.append(f'"{folder}"', None, None, raw)
            assert typ == "OK", data
        finally:
            conn.logout()

    def count(self, user: str, folder: str) -> int:
        conn = self.imap(user)
        try:
            typ, data = conn.select(f'"{folder}"', readonly=True)
            assert typ == "OK", data
            return int(data[0] or 0)
        finally:
            conn.logout()


def _dovecot_config(root: Path, port: int) -> str:
    if os.geteuid() == 0:
        # Dovecot refuses to run its login and mail processes as root.
        login_user, internal_user = "dovenull", "dovecot"
        mail_pw = pwd.getpwnam("dovecot")
        uid, gid = mail_pw.pw_uid, mail_pw.pw_gid
        internal_group = grp.getgrgid(gid).gr_name
        for d in ("mail", "home"):
            (root / d).mkdir(exist_ok=True)
            os.chown(root / d, uid, gid)
    else:
        me = pwd.getpwuid(os.getuid())
        login_user = internal_user = me.pw_name
        internal_group = grp.getgrgid(os.getgid()).gr_name
        uid, gid = os.getuid(), os.getgid()
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
namespace inbox {{
  inbox = yes
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
}}
"""


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[Dovecot]:
    require_component(DOVECOT is not None, "Dovecot (dovecot-imapd)")
    assert DOVECOT is not None
    # Not pytest's tmp_path: its parents are private (0700) and Dovecot's unprivileged processes must enter.
    root = Path(tempfile.mkdtemp(prefix="kizuna-dovecot-"))
    os.chmod(root, 0o755)
    port = free_port()
    (root / "users").write_text("")
    conf = root / "dovecot.conf"
    conf.write_text(_dovecot_config(root, port))
    proc = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                if s.recv(64).startswith(b"* OK"):
                    break
        except OSError:
            time.sleep(0.1)
        if proc.poll() is not None:
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            pytest.fail(f"dovecot exited: {proc.stderr.read() if proc.stderr else b''!r} {log}")
    else:
        proc.kill()
        pytest.fail("dovecot did not start")
    server = Dovecot(root=root, port=port)
    yield server
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def dovecot(dovecot_server: Dovecot) -> Dovecot:
    return dovecot_server


# --- aiosmtpd ----------------------------------------------------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt: list[str]
    data: bytes

    @property
    def message_id(self) -> str:
        import email

        return str(email.message_from_bytes(self.data).get("Message-ID", "")).strip()

    @property
    def message(self) -> Any:
        import email
        from email import policy

        return email.message_from_bytes(self.data, policy=policy.default)


class Handler:
    """Accepts mail like a submission server; optional behaviours by recipient local part.

    ``bounce*@`` → 550, ``later*@`` → 451 (once, then accepted), ``quota*@`` → 550 5.4.5 daily quota.
    With ``file_sent`` set, every accepted message is first filed into the sender's IMAP Sent folder (what
    Gmail and Outlook do), so reconciliation can find it.
    """

    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.lock = threading.Lock()
        self.delay = 0.0
        self.file_sent: Any = None
        self.refused_once: set[str] = set()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        local = address.split("@", 1)[0]
        if local.startswith("bounce"):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if local.startswith("quota"):
            return "550 5.4.5 Daily user sending quota exceeded."
        if local.startswith("later") and address not in self.refused_once:
            self.refused_once.add(address)
            return "451 4.3.0 Temporary lookup failure, try again"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            time.sleep(self.delay)
        data = bytes(envelope.original_content or envelope.content)
        if self.file_sent is not None:
            self.file_sent(data)
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), data))
        return "250 2.0.0 Ok: queued"


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: Handler

    @property
    def messages(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.messages)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    from aiosmtpd.controller import Controller

    handler = Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, handler)
    finally:
        controller.stop()


# --- data ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def ws(db: Engine) -> dict[str, Any]:
    info = make_user_and_workspace()
    from kizuna.db import unit_of_work
    from kizuna.models.workspace import Workspace

    with unit_of_work() as uow:
        w = uow.session.get(Workspace, info["workspace_id"])
        assert w is not None
        w.sender_identity = "Kizuna株式会社 東京都渋谷区1-2-3 03-0000-0000"
        w.settings = {"outreach": {"company": "Kizuna株式会社", "sender_name": "佐藤"}}
    return info


def make_influencer(
    session: Any,
    workspace_id: int,
    name: str,
    email: str | None,
    *,
    handle: str = "",
    caption: str = "春の新作コスメを使ってみました！とても良かったです",
    url: str = "https://instagram.com/p/abc",
    manager_id: int | None = None,
    timezone: str = "Asia/Tokyo",
    tier: str = "micro",
) -> Any:
    from kizuna.models.influencer import Influencer
    from kizuna.models.post import Post
    from kizuna.models.social_account import SocialAccount

    inf = Influencer(
        workspace_id=workspace_id,
        display_name=name,
        emails=[email] if email else [],
        manager_id=manager_id,
        timezone=timezone,
        tier=tier,
    )
    session.add(inf)
    session.flush()
    h = handle or f"@{name.lower().replace(' ', '')}"
    acc = SocialAccount(
        workspace_id=workspace_id,
        influencer_id=inf.id,
        platform="instagram",
        handle=h,
        handle_key=f"{h.lower()}-{inf.id}",
        followers=25000,
    )
    session.add(acc)
    session.flush()
    if caption:
        session.add(
            Post(
                workspace_id=workspace_id,
                social_account_id=acc.id,
                platform_post_id=f"p{inf.id}",
                caption=caption,
                url=url,
            )
        )
        session.flush()
    return inf


def make_mailbox(
    session: Any,
    workspace_id: int,
    smtp: SmtpServer,
    *,
    imap: Dovecot | None = None,
    imap_user: str = "",
    limits: bool = False,
    from_email: str = "",
    name: str = "Main",
) -> Any:
    from kizuna.models.outreach_mailbox import OutreachMailbox
    from kizuna.outreach import mailboxes

    mb = OutreachMailbox(workspace_id=workspace_id)
    data: dict[str, Any] = {
        "name": name,
        "from_name": "佐藤 花子",
        "from_email": from_email or imap_user or "sales@brand.example",
        "smtp_host": smtp.host,
        "smtp_port": smtp.port,
        "smtp_security": "none",
        "limits_enabled": limits,
    }
    if imap is not None:
        data.update(
            imap_host="127.0.0.1",
            imap_port=imap.port,
            imap_security="none",
            imap_username=imap_user,
            imap_password="secret",
            sent_folder="Sent",
            server_files_sent=True,
        )
    mailboxes.apply_settings(mb, data)
    session.add(mb)
    session.flush()
    return mb


def one_step(
    subject: str = "{{ campaign.name }}のご相談",
    body: str = "{{ influencer.name }}様\n\n{{ post.caption_excerpt }}\n{{ offer }}\n\n{{ sender.signature }}",
) -> list[dict[str, Any]]:
    return [{"kind": "email", "delay_days": 0, "subject": subject, "body": body}]


def two_steps() -> list[dict[str, Any]]:
    return [
        *one_step(),
        {
            "kind": "email",
            "delay_days": 2,
            "subject": "",
            "body": "{{ influencer.name }}様\n\nフォローアップです。",
        },
    ]
