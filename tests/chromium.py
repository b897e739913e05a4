"""A headless Chromium driven over the DevTools protocol, for the end-to-end screenshots.

The same means Odoo's own browser tests use: Debian's ``chromium`` and ``websocket-client``
(both installed by the test command already), no browser download. Only what the
screenshots need: log in with an Odoo session cookie, open a URL, wait for an element,
click, and save the window as PNG.
"""

import base64
import itertools
import json
import os
import shutil
import struct
import subprocess
import tempfile
import time
from pathlib import Path

import requests
import websocket

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"


class BrowserError(AssertionError):
    pass


class Chromium:
    """One headless Chromium with one page; ``width`` x ``height`` CSS pixels."""

    def __init__(self, width=1440, height=960, timeout=30):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="atlas-chromium-")
        self.process = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-default-apps",
                "--disable-sync",
                "--disable-translate",
                "--no-first-run",
                "--no-default-browser-check",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--lang=en-US",
                f"--window-size={width},{height}",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._ids = itertools.count(1)
        self.ws = websocket.create_connection(self._page_websocket(), timeout=self.timeout, suppress_origin=True)
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def _page_websocket(self):
        port_file = Path(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BrowserError(f"{CHROMIUM} exited with {self.process.returncode}")
            if port_file.is_file() and port_file.stat().st_size > 5:
                port = int(port_file.read_text().splitlines()[0])
                pages = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=5).json()
                for page in pages:
                    if page["type"] == "page":
                        return page["webSocketDebuggerUrl"]
            time.sleep(0.2)
        raise BrowserError(f"{CHROMIUM} did not open its DevTools port within {self.timeout} s")

    def close(self):
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- DevTools protocol ------------------------------------------------------------

    def send(self, method, **params):
        """Send a command and return its result (events received meanwhile are dropped)."""
        message_id = next(self._ids)
        self.ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                return message["result"]

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page (promises are awaited)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise BrowserError(
                f"{expression}: {result['exceptionDetails'].get('exception', result['exceptionDetails'])}"
            )
        return result["result"].get("value")

    # --- What the screenshots need -----------------------------------------------------

    def login(self, base_url, db, login, password):
        """Open an Odoo session for this user, as the login page would, and give the browser its cookie."""
        session = requests.Session()
        response = session.post(
            f"{base_url}/web/session/authenticate",
            json={"jsonrpc": "2.0", "params": {"db": db, "login": login, "password": password}},
            timeout=60,
        )
        response.raise_for_status()
        if response.json().get("error"):
            raise BrowserError(f"{login} could not log in: {response.json()['error']}")
        self.send("Network.clearBrowserCookies")
        self.send("Network.setCookie", name="session_id", value=session.cookies["session_id"], url=base_url)

    def open(self, url, selector):
        """Open a URL, then wait for an element (the page's content)."""
        self.send("Page.navigate", url=url)
        self.wait(selector)

    def wait(self, selector, timeout=None):
        """Wait until an element matches the CSS selector, the web client is idle and the
        fonts are loaded."""
        check = (
            f"!!document.querySelector({json.dumps(selector)})"
            " && !document.querySelector('.o_loading_indicator, .o_blockUI, .fa-spinner')"
        )
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            try:
                if self.evaluate(check):
                    self.evaluate("document.fonts.ready.then(() => true)")
                    # Two animation frames: what was just rendered is painted.
                    self.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
                    return
            except BrowserError:
                pass  # the page is being replaced by the navigation
            time.sleep(0.2)
        url = self.evaluate("location.href")
        raise BrowserError(f"{selector!r} did not appear on {url} within {timeout or self.timeout} s")

    def click(self, selector, then=None):
        """Click the element, then wait for ``then`` if given."""
        clicked = self.evaluate(
            f"(() => {{ const el = document.querySelector({json.dumps(selector)});"
            " if (!el) return false; el.click(); return true; })()"
        )
        if not clicked:
            raise BrowserError(f"nothing to click at {selector!r}")
        if then:
            self.wait(then)

    def click_text(self, selector, text, then=None):
        """Click the element matching the selector whose text is exactly ``text``."""
        clicked = self.evaluate(
            f"(() => {{ const el = [...document.querySelectorAll({json.dumps(selector)})]"
            f".find((e) => e.textContent.trim() === {json.dumps(text)});"
            " if (!el) return false; el.click(); return true; })()"
        )
        if not clicked:
            raise BrowserError(f"nothing to click at {selector!r} reading {text!r}")
        if then:
            self.wait(then)

    def screenshot(self, path):
        """Save the window as PNG."""
        data = self.send("Page.captureScreenshot", format="png")["data"]
        Path(path).write_bytes(base64.b64decode(data))
        return Path(path)


# Where the end-to-end screenshots go: the test run's log folder, for a reviewer to look at.
SHOTS = Path(os.environ.get("ATLAS_LOG_DIR", "/tmp")) / "screenshots"
# A blank or nearly empty window makes a PNG of a few kilobytes; a screen with content more.
MIN_BYTES = 20_000


def _png_size(path):
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", header[16:24])


def check_screenshots(folder, expected):
    """Each of ``expected`` (file name → what it shows) is in ``folder`` and is not blank."""
    problems = []
    for name, what in expected.items():
        path = folder / name
        if not path.is_file():
            problems.append(f"{name} ({what}) is missing")
            continue
        width, height = _png_size(path)
        if width < 600 or height < 600 or path.stat().st_size < MIN_BYTES:
            problems.append(f"{name} ({what}) looks blank: {width}x{height}, {path.stat().st_size} bytes")
    assert not problems, "\n".join(problems)


def pdf_page_png(content, page, path):
    """One page of a PDF as PNG (pdftoppm, 100 dpi), as a reviewer looks at it."""
    pdf = path.with_suffix(".pdf")
    pdf.write_bytes(content)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "100",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(path.with_suffix("")),
        ],
        check=True,
    )
    pdf.unlink()
    return path
