#!/usr/bin/env bash
# Install briefing into .venv and make today's briefing from seeds/ into out/.
#
# Uses the Arabic-English Argos model if one is installed (see README: "The real
# model"). Otherwise it installs the small test model from tests/data into
# .demo/argos-packages (never into your own Argos folder) and uses that: it
# translates the seeds' titles and lead sentences and nothing else well.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .

config_args=()
if ! .venv/bin/briefing models list 2>/dev/null | grep -q '^ar->en'; then
  echo "No Arabic-English model installed: using the small test model (tests/data) for this demo." >&2
  mkdir -p .demo
  # The demo keeps its own record too, so it never marks the seeds as published in yours.
  printf '[translate]\npackages_dir = "argos-packages"\n[store]\npath = "briefing.sqlite3"\n' > .demo/briefing.toml
  .venv/bin/briefing --config .demo/briefing.toml models install tests/data/translate-ar_en-test.argosmodel >&2
  config_args=(--config .demo/briefing.toml)
fi
.venv/bin/briefing "${config_args[@]}" generate --input seeds --out out "$@"
