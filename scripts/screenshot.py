"""Screenshots of pages for looking at them (and for the README): headless Debian Chromium
driven by Playwright.

    python scripts/screenshot.py URL OUT.png [--width 1280] [--height 900] [--full] [--selector CSS]
"""
from __future__ import annotations

import argparse
import shutil

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("out")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=900)
    ap.add_argument("--full", action="store_true", help="the whole page, not just the viewport")
    ap.add_argument("--selector", help="scroll this element to the top first")
    ap.add_argument("--dark", action="store_true")
    args = ap.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height},
                                color_scheme="dark" if args.dark else "light")
        page.goto(args.url)
        if args.selector:
            page.locator(args.selector).first.evaluate("e => e.scrollIntoView()")
        page.screenshot(path=args.out, full_page=args.full)
        browser.close()


if __name__ == "__main__":
    main()
