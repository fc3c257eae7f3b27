"""Lighthouse's four scores for the default page, desktop and mobile, against the app on loopback.

    make lighthouse        (installs lighthouse from npm into bench/node_modules, then runs this)

Serves the app with `flask run` on a free loopback port with PUBLIC_URL set to that address (the
canonical link is then absolute, as in production), runs Lighthouse with Debian's chromium
(CHROME_PATH) for the mobile (default, throttled) and desktop presets, and prints each
category's score and every weighted audit under 1. Scores move with the machine's load
(performance most): run it on an idle machine. A report, not a test: exits 0 either way.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
         "--disable-component-update --disable-sync --no-first-run")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "FLASK_PUBLIC_URL": base}
    server = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "run", "--port", str(port)],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        for preset in ("mobile", "desktop"):
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "report.json"
                cmd = [str(LIGHTHOUSE), base + "/", "--quiet", f"--chrome-flags={FLAGS}", "--output=json",
                       f"--output-path={out}", "--only-categories=performance,accessibility,best-practices,seo"]
                if preset == "desktop":
                    cmd.append("--preset=desktop")
                subprocess.run(cmd, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"}, check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
                report = json.loads(out.read_text())
            scores = {k: round(v["score"] * 100) for k, v in report["categories"].items()}
            print(f"{preset:<8} " + "  ".join(f"{k} {v}" for k, v in scores.items()))
            for cat in report["categories"].values():
                for ref in cat["auditRefs"]:
                    audit = report["audits"][ref["id"]]
                    if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
                        print(f"         {ref['id']}: {audit['score']} {audit.get('displayValue', '')}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
