#!/usr/bin/env bash
# Install briefing with its test and cluster extras into .venv and run the whole test suite.
# Needs python3 >= 3.11; installs poppler-utils (pdftotext, pdffonts) and Debian's Chromium with
# its driver (/usr/bin/chromium, /usr/bin/chromedriver: tests/test_browser.py) with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
# HarfBuzz's subsetter makes WeasyPrint's PDFs smaller; it works without it, with a warning.
ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || need_apt+=(libharfbuzz-subset0)
# The HTML briefing is opened in a real headless browser; Selenium is given these two paths
# and never downloads a browser or driver of its own.
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -x /usr/bin/chromedriver ] || need_apt+=(chromium-driver)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "Please install with your package manager: ${need_apt[*]} (the PDF tests need pdftotext, the browser tests chromium and chromedriver)." >&2
  fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
# The pip that comes with the Python, not upgraded: what a user has (pyproject.toml lists
# every package, lxml_html_clean included, so an old pip installs a working set too).
# The cluster extra too: tests/test_translate/test_cluster.py runs real Dask workers.
.venv/bin/python -m pip install -q -e '.[test,cluster]'
.venv/bin/python -m mypy  # strict, on briefing/ (pyproject.toml)
.venv/bin/python -m ruff check -q briefing tests benchmarks scripts
exec .venv/bin/python -m pytest "$@"
