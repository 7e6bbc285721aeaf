"""The faults a fake can inject instead of its normal answer: the modes, their canned replies, an endless body."""

from fakes.replies import html_reply, json_reply

MODES = (
    "ok", "500", "502", "503", "429", "429-no-retry-after", "403-html", "200-html", "truncated",
    "wrong-shape", "status-error", "huge", "slow-body", "redirect", "hang",
)  # fmt: skip
HANG_SECONDS = 60
CHUNK = 64 * 1024
REDIRECT_HOST = "https://elsewhere.example"


CLOUDFLARE_403 = b"""<!DOCTYPE html>
<html lang="en-US"><head><title>Attention Required! | Cloudflare</title></head>
<body><div id="cf-wrapper"><h1>Sorry, you have been blocked</h1>
<p>This website is using a security service to protect itself from online attacks.</p>
<p>Cloudflare Ray ID: <strong>8f00fake00000000</strong></p></div></body></html>
"""
MAINTENANCE_HTML = (
    b"<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>Back soon</h1></body></html>\n"
)


FAULT_REPLIES = {
    "500": json_reply(500, {"status": "error", "status_message": "Internal Server Error"}),
    "502": html_reply(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>\n"),
    "503": html_reply(503, b"<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>\n"),
    "429": json_reply(429, {"status": "error", "status_message": "Too Many Requests"}, {"Retry-After": "1"}),
    "429-no-retry-after": json_reply(429, {"status": "error", "status_message": "Too Many Requests"}),
    "403-html": html_reply(403, CLOUDFLARE_403, {"Server": "cloudflare", "CF-RAY": "8f00fake00000000-CDG"}),
    "200-html": html_reply(200, MAINTENANCE_HTML),
}


def send_huge(handler, size, stopping):
    """A 200 JSON answer of about size bytes without Content-Length, cut short when stopping is set."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    # No Content-Length: the body ends when the connection closes, so only a cap on reading stops a client.
    handler.send_header("Connection", "close")
    head, tail = b'{"status":"ok","status_message":"Query was successful","padding":"', b'"}'
    filler = b"x" * CHUNK
    try:
        handler.end_headers()
        handler.wfile.write(head)
        remaining = size - len(head) - len(tail)
        while remaining > 0 and not stopping.is_set():
            handler.wfile.write(filler[: min(CHUNK, remaining)])
            remaining -= CHUNK
        handler.wfile.write(tail)
    except ConnectionError:
        pass  # a client that stops reading at its size cap is behaving well
    handler.close_connection = True
