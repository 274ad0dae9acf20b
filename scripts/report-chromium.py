#!/usr/bin/env python3
"""A `koujing report` HTML file in headless Chromium: how long it takes to
open, or a screenshot of it.

usage: scripts/report-chromium.py time REPORT.html [RUNS]
       scripts/report-chromium.py shot REPORT.html[#ID] OUT.png [WIDTH HEIGHT]

Chromium is driven over the DevTools protocol on a pipe
(`--remote-debugging-pipe`: no network port, no Python packages needed).
Each run opens a new tab, navigates to the file and waits for the load
event, then for two animation frames (the page has been laid out and
painted). It prints, per run and as the median and the worst:

- open: wall time from the navigate command to the second frame after load;
- load: the page's own navigation timing (start to the end of the load
  event: parse, style, the inline script);
- fcp: first contentful paint;
- busy: the page's main-thread task time (parse, style, layout, script,
  paint) up to then, which other load on the machine inflates less than the
  wall times.

`shot` waits for the same point, scrolls to the element `#ID` when given
(the report lays sections out only when they come into view, so Chromium's
own `--screenshot` may catch them blank) and captures the viewport.

Run it on an idle machine; it starts and stops its own Chromium.
"""

import base64

import fcntl
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1400,2000",
    "--remote-debugging-pipe",
]


def high(fd):
    """`fd` moved to a descriptor number of 10 or more."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return moved


class Browser:
    def __init__(self, binary):
        self.profile = tempfile.TemporaryDirectory()
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # Chromium's ends move above 9, clear of the 3 and 4 they go to.
        to_chrome_r, from_chrome_w = (high(to_chrome_r), high(from_chrome_w))
        # Chromium reads commands on fd 3 and writes answers on fd 4: the
        # shell puts the pipe ends there and becomes Chromium.
        self.proc = subprocess.Popen(
            [
                "/bin/bash",
                "-c",
                f'exec "$0" "$@" 3<&{to_chrome_r} 4>&{from_chrome_w} {to_chrome_r}<&- {from_chrome_w}>&-',
                binary,
                *FLAGS,
                f"--user-data-dir={self.profile.name}",
                "about:blank",
            ],
            pass_fds=(to_chrome_r, from_chrome_w),
            stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.profile.name, "stderr.txt"), "wb"),
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        return self.next_id

    def read(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                with open(os.path.join(self.profile.name, "stderr.txt"), errors="replace") as log:
                    raise RuntimeError("Chromium closed the pipe:\n" + log.read()[-2000:])
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=None):
        wanted = self.send(method, params, session)
        while True:
            message = self.read()
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_event(self, method, session):
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == method and e.get("sessionId") == session:
                    del self.events[i]
                    return e
            self.events.append(self.read())

    def close(self):
        try:
            self.send("Browser.close")
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
        self.profile.cleanup()


RENDERED = """
new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  done(JSON.stringify({
    load: nav.loadEventEnd,
    fcp: fcp ? fcp.startTime : null,
    elements: document.getElementsByTagName('*').length,
  }));
})))
"""


def run_once(browser, url):
    target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
        "sessionId"
    ]
    browser.call("Page.enable", session=session)
    browser.call("Performance.enable", session=session)
    start = time.perf_counter()
    browser.call("Page.navigate", {"url": url}, session=session)
    browser.wait_event("Page.loadEventFired", session)
    result = browser.call(
        "Runtime.evaluate",
        {"expression": RENDERED, "awaitPromise": True, "returnByValue": True},
        session=session,
    )
    opened = (time.perf_counter() - start) * 1000
    page = json.loads(result["result"]["value"])
    metrics = browser.call("Performance.getMetrics", session=session)["metrics"]
    page["busy"] = 1000 * next((m["value"] for m in metrics if m["name"] == "TaskDuration"), 0)
    browser.call("Target.closeTarget", {"targetId": target})
    return opened, page


def timing(path, runs, binary):
    browser = Browser(binary)
    try:
        url = "file://" + path
        opens, loads, busy = [], [], []
        for i in range(runs):
            opened, page = run_once(browser, url)
            opens.append(opened)
            loads.append(page["load"])
            busy.append(page["busy"])
            print(
                f"run {i + 1}: open {opened:.0f} ms, load {page['load']:.0f} ms, "
                f"fcp {page['fcp'] or 0:.0f} ms, busy {page['busy']:.0f} ms, "
                f"{page['elements']} elements"
            )
        size = os.path.getsize(path)
        print(
            f"{path}: {size / 1e6:.2f} MB; open median {statistics.median(opens):.0f} ms, "
            f"worst {max(opens):.0f} ms; load median {statistics.median(loads):.0f} ms; "
            f"busy median {statistics.median(busy):.0f} ms; load average {os.getloadavg()[0]:.1f}"
        )
    finally:
        browser.close()


def shot(target, out, width, height, binary):
    path, _, anchor = target.partition("#")
    browser = Browser(binary)
    try:
        tab = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.call("Target.attachToTarget", {"targetId": tab, "flatten": True})[
            "sessionId"
        ]
        browser.call("Page.enable", session=session)
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        url = "file://" + os.path.abspath(path) + ("#" + anchor if anchor else "")
        browser.call("Page.navigate", {"url": url}, session=session)
        browser.wait_event("Page.loadEventFired", session)
        if anchor:
            # Again once loaded: sections above may have grown meanwhile.
            browser.call(
                "Runtime.evaluate",
                {
                    "expression": "(e => e && e.scrollIntoView())"
                    f"(document.getElementById({json.dumps(anchor)}))"
                },
                session=session,
            )
        browser.call(
            "Runtime.evaluate",
            {"expression": RENDERED, "awaitPromise": True, "returnByValue": True},
            session=session,
        )
        data = browser.call("Page.captureScreenshot", {"format": "png"}, session=session)["data"]
        with open(out, "wb") as f:
            f.write(base64.b64decode(data))
        print(out)
    finally:
        browser.close()


def main():
    binary = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    args = sys.argv[1:]
    if len(args) >= 2 and args[0] == "time":
        timing(os.path.abspath(args[1]), int(args[2]) if len(args) > 2 else 5, binary)
    elif len(args) >= 3 and args[0] == "shot":
        size = [int(a) for a in args[3:5]] or [1400, 2000]
        shot(args[1], args[2], size[0], size[1], binary)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
