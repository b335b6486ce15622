"""Serving the app as deployed for the benchmark, and a client that times its pages like a browser on loopback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WARM_UP = 5
#: A page slower than this at its first response is timed SLOW_REQUESTS times, after no further warm-up.
SLOW_MS = 1000
SLOW_REQUESTS = 5
#: Seconds a response may take (the worker's own limit, ``--timeout``, is 600).
TIMEOUT = 600
#: The served app's errors, if any.
LOG = Path("/tmp") / f"bench-gunicorn-{os.getuid()}.log"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@contextmanager
def served(app: str, env: dict[str, str], port: int):
    """One gunicorn sync worker on loopback; yields the worker's process id."""
    command = [BIN / "gunicorn", "--workers", "1", "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
               "--timeout", str(TIMEOUT), "--error-logfile", str(LOG), app]  # fmt: skip
    server = subprocess.Popen(command, env=os.environ | env, cwd=PROJECT)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/static/css/app.css" if app == "wsgi:app" else
                                       f"http://127.0.0.1:{port}/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        yield int(children[0])
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # the worker is still busy with a slow page
            server.kill()
            server.wait()


class _Stay(urllib.request.HTTPRedirectHandler):
    """A form's redirect is not followed: after signing in, the dashboard is timed as a page, not as part of it."""

    def redirect_request(self, *args, **kwargs) -> None:
        return None


class Client:
    """A browser's cookies on loopback, timing each GET."""

    def __init__(self, base: str) -> None:
        self.base = base
        cookies = urllib.request.HTTPCookieProcessor(CookieJar())
        self.opener = urllib.request.build_opener(cookies)
        self.poster = urllib.request.build_opener(cookies, _Stay())

    def get(self, path: str, **headers: str):
        request = urllib.request.Request(self.base + path, headers=headers)
        with self.opener.open(request, timeout=TIMEOUT) as response:
            return response, response.read()

    def post_form(self, path: str, fields: dict[str, str]) -> None:
        _response, page = self.get(path)
        token = CSRF.search(page.decode()).group(1)
        data = urlencode({**fields, "csrf_token": token}).encode()
        try:
            self.poster.open(urllib.request.Request(self.base + path, data=data), timeout=TIMEOUT).read()
        except urllib.error.HTTPError as answer:
            if answer.code not in (302, 303):
                raise

    def timed_get(self, path: str) -> tuple[float, object]:
        started = time.perf_counter()
        response, _body = self.get(path)
        return (time.perf_counter() - started) * 1000, response

    def timings(self, path: str, count: int) -> tuple[list[float], int]:
        """``count`` timed responses after a warm-up, or ``SLOW_REQUESTS`` if the first one was slow."""
        first, _response = self.timed_get(path)
        if first > SLOW_MS:
            count = SLOW_REQUESTS
        else:
            for _ in range(WARM_UP - 1):
                self.get(path)
        times = []
        for _ in range(count):
            elapsed, response = self.timed_get(path)
            times.append(elapsed)
        return times, int(response.headers.get("X-Query-Count", 0))
