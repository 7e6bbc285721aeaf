"""A JSON webhook on 127.0.0.1 that records what Apprise's json:// posts to it (and can fail on purpose)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Webhook:
    """Answers 500 to the first `failures` posts, 200 after; `received` holds the accepted messages."""

    def __init__(self):
        self.received = []
        self.attempts = 0
        self.failures = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def url(self, secret="s3cret-token"):  # noqa: S107  (a made-up token, for the tests that look for it)
        """An Apprise URL for this webhook; the path segment stands for the token real webhooks carry."""
        return f"json://127.0.0.1:{self.port}/hook/{secret}"

    @property
    def messages(self):
        return [(m["title"], m["message"]) for m in self.received]

    def _handler(self):
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802  (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                with webhook._lock:
                    webhook.attempts += 1
                    failing = webhook.attempts <= webhook.failures
                    if not failing:
                        webhook.received.append(body)
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler
