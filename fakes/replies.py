"""What a fake answers: a complete HTTP reply, and writing one to the connection at once or a byte at a time."""

import json


class Reply:
    """One complete HTTP answer."""

    def __init__(self, status, body=b"", content_type="application/json", headers=None):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers or {}


def json_reply(status, payload, headers=None):
    return Reply(status, json.dumps(payload, ensure_ascii=False).encode(), "application/json", headers)


def html_reply(status, body, headers=None):
    return Reply(status, body, "text/html; charset=UTF-8", headers)


def send(handler, reply, *, trickle_interval=None, stopping=None):
    """Write reply to handler's connection; with trickle_interval, one byte each interval until stopping is set."""
    try:
        handler.send_response(reply.status)
        handler.send_header("Content-Type", reply.content_type)
        handler.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        if trickle_interval is None:
            handler.wfile.write(reply.body)
            return
        handler.close_connection = True
        for i in range(len(reply.body)):
            handler.wfile.write(reply.body[i : i + 1])
            if stopping.wait(trickle_interval):
                return
    except ConnectionError:
        handler.close_connection = True  # the client hung up; nothing more to say
