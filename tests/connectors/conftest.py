"""A local HTTP server that speaks the platform APIs with the exact payloads in ../shared/data/api_shapes/.

Requests with the right key/token get the shapes; a wrong one gets the platform's real error body. Tests can
queue scripted responses per path (e.g. two 503s, then the normal answer) and read the request log.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tests.conftest import shared_file

GOOD_KEY = "yt-good-key-1234"
GOOD_TOKEN = "good-token-5678"
IG_USER = "17841405309211844"
PLAYLIST = {
    "kind": "youtube#playlistItemListResponse",
    "items": [{"contentDetails": {"videoId": "dQw4w9WgXcQ"}}],
}


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakePlatforms:
    url: str = ""
    shapes: dict[str, Any] = field(default_factory=dict)
    queued: dict[str, deque[Reply]] = field(default_factory=lambda: defaultdict(deque))
    log: list[tuple[str, str, dict[str, list[str]], Any]] = field(default_factory=list)

    def queue(self, path: str, *replies: Reply) -> None:
        self.queued[path].extend(replies)

    def calls(self, path: str) -> int:
        return sum(1 for _, p, _, _ in self.log if p == path)

    def answer(self, method: str, path: str, query: dict[str, list[str]], headers: Any, body: Any) -> Reply:
        self.log.append((method, path, query, body))
        if self.queued[path]:
            return self.queued[path].popleft()
        if path.startswith("/youtube/v3/"):
            if query.get("key") != [GOOD_KEY]:
                return Reply(
                    400,
                    {
                        "error": {
                            "code": 400,
                            "message": "API key not valid. Please pass a valid API key.",
                            "errors": [
                                {"message": "API key not valid.", "domain": "global", "reason": "badRequest"}
                            ],
                            "status": "INVALID_ARGUMENT",
                            "details": [
                                {
                                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                    "reason": "API_KEY_INVALID",
                                }
                            ],
                        }
                    },
                )
            name = path.rsplit("/", 1)[1]
            if name == "playlistItems":
                return Reply(200, PLAYLIST)
            return Reply(200, self.shapes[f"youtube_{name}_list"])
        if path.startswith("/v21.0/"):
            if query.get("access_token") != [GOOD_TOKEN]:
                return Reply(
                    400,
                    {
                        "error": {
                            "message": "Invalid OAuth access token.",
                            "type": "OAuthException",
                            "code": 190,
                            "fbtrace_id": "A1",
                        }
                    },
                )
            return Reply(200, self.shapes["instagram_business_discovery"])
        if path.startswith("/v2/research/"):
            if headers.get("authorization") != f"Bearer {GOOD_TOKEN}":
                return Reply(
                    401,
                    {
                        "error": {
                            "code": "access_token_invalid",
                            "message": "The access token is invalid or not found in the request.",
                            "log_id": "x",
                        }
                    },
                )
            if path == "/v2/research/user/info/":
                return Reply(200, self.shapes["tiktok_research_user_info"])
            return Reply(200, self.shapes["tiktok_research_video_query"])
        return Reply(404, {"error": "no such path"})


def _handler(state: FakePlatforms) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parsed = urlparse(self.path)
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = state.answer(self.command, parsed.path, parse_qs(parsed.query), headers, body)
            data = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for k, v in reply.headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        do_GET = _serve
        do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@pytest.fixture
def platforms() -> Iterator[FakePlatforms]:
    state = FakePlatforms()
    for name in (
        "youtube_channels_list",
        "youtube_videos_list",
        "instagram_business_discovery",
        "tiktok_research_user_info",
        "tiktok_research_video_query",
    ):
        state.shapes[name] = json.loads(
            shared_file(f"data/api_shapes/{name}.json").read_text(encoding="utf-8")
        )
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def no_sleep() -> dict[str, Any]:
    """Client options that record backoff delays instead of waiting them out."""
    return {"sleep": lambda _seconds: None}
