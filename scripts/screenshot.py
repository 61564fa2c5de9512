"""Screenshots of pages as a given user, in Debian's Chromium (for looking at what was built).

Usage: python scripts/screenshot.py --user filer --out /tmp/shots http://127.0.0.1:8000/ /library/2026/
Needs a running server (make run) and /usr/bin/chromium. Never downloads a browser.
"""

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="")
    parser.add_argument("--password", default="perfgov-demo")
    parser.add_argument("--out", default="var/shots")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--lang", default="zh-CN")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height}, locale=args.lang)
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        if args.user:
            page.goto(args.base + "/accounts/login/")
            page.fill("#id_username", args.user)
            page.fill("#id_password", args.password)
            page.click("form:has(#id_username) button[type=submit]")
            page.wait_for_load_state("networkidle")
        for i, path in enumerate(args.paths):
            page.goto(path if path.startswith("http") else args.base + path)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(300)
            name = out / f"{args.user or 'anon'}-{i:02d}.png"
            page.screenshot(path=str(name), full_page=True)
            print(name, page.title())
        if errors:
            print("console errors:", errors)
        browser.close()


if __name__ == "__main__":
    main()
