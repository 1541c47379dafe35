"""The client side: one HTTP request as a phone or a browser sends it, its CSRF pair, a session."""

import datetime
import gzip
import http.client
import json
import re
import threading

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")


def request(port, method, path, *, session=None, csrf=None, body=None, form=None, hang_up=False):
    """One request on a fresh connection, as from a proxy without upstream keep-alive.

    Returns (status, body, Set-Cookie, server ms from the Server-Timing header or None); with
    `hang_up`, None: the request is sent whole and the connection closed before any answer,
    as when a phone loses its signal (the server still runs it).
    """
    headers = {"Host": "127.0.0.1", "Accept-Encoding": "gzip"}
    cookies = {"sessionid": session, "csrftoken": csrf and csrf[0]}
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items() if v)
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        body = json.dumps(body).encode()
        headers.update({"Content-Type": "application/json", "X-CSRFToken": csrf[1]})
    elif form is not None:
        body = "&".join(f"{k}={v}" for k, v in {**form, "csrfmiddlewaretoken": csrf[1]}.items())
        body = body.encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        if hang_up:
            return None
        response = connection.getresponse()
        content = response.read()
        if response.getheader("Content-Encoding") == "gzip":  # pages are gzipped in production
            content = gzip.decompress(content)
        timing = SERVER_TIMING.search(response.getheader("Server-Timing") or "")
        return (response.status, content, response.getheader("Set-Cookie") or "",
                float(timing.group(1)) if timing else None)  # fmt: skip
    finally:
        connection.close()


def csrf_from(content: bytes, set_cookie: str, old=None):
    """The (cookie, form token) pair a page hands out, as the browser and field.js keep them."""
    cookie = re.search(r"csrftoken=([^;]+)", set_cookie)
    token = CSRF_INPUT.search(content.decode(errors="replace"))
    if not token:
        return old
    return (cookie.group(1) if cookie else old[0], token.group(1))


def session_for(user) -> str:
    """A signed-in session, as the phone or browser has after its user signed in."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


_clock = {"last": None, "lock": threading.Lock()}


def recorded_at() -> str:
    """Now, as a phone stamps an outcome; never the same instant twice in a run, so a unit's
    newest outcome is never a tie and its recount is unambiguous."""
    with _clock["lock"]:
        now = datetime.datetime.now(datetime.UTC)
        last = _clock["last"]
        if last is not None and now <= last:
            now = last + datetime.timedelta(microseconds=1)
        _clock["last"] = now
    return now.isoformat()
