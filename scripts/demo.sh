#!/usr/bin/env bash
# Install briefing into .venv and make today's briefing from seeds/ into out/.
#
# The demo's settings go into briefing.toml in this folder (unless you have one of your
# own here: then into .demo/briefing.toml), so that `.venv/bin/briefing status`,
# `models list`, `generate` and `schedule`, run from this folder, work as the demo did:
# input seeds/, output out/, the record .demo/briefing.sqlite3 (never yours).
# Uses the Arabic-English Argos model if one is installed (see README: "The real
# model"). Otherwise it installs the small test model from tests/data into
# .demo/argos-packages (never into your own Argos folder) and uses that: it
# translates the seeds' titles and lead sentences and nothing else well.
set -euo pipefail
cd "$(dirname "$0")/.."

# The first line of a configuration this script wrote: it may rewrite such a file, never another.
marker="# Written by scripts/demo.sh"
[ -x .venv/bin/python ] || python3 -m venv .venv
# Installed once per pyproject.toml (a stamp holds its hash): a second demo needs no network.
stamp=.venv/.briefing-demo-installed
wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ] || ! .venv/bin/python -c 'import briefing' 2>/dev/null; then
  echo "Installing briefing and its dependencies into .venv (a minute or two the first time) ..." >&2
  .venv/bin/python -m pip install -q -e .
  echo "$wanted" > "$stamp"
else
  echo "Installing briefing into .venv: already installed (delete $stamp to install again)." >&2
fi

config=briefing.toml
if [ -e "$config" ]; then
  case "$(head -n 1 "$config")" in
    "$marker"*) ;;                # the demo's own, from an earlier run: rewritten
    *) config=.demo/briefing.toml ;;  # yours stays as it is
  esac
fi
mkdir -p .demo
base=$(cd "$(dirname "$config")" && pwd)
relative() { python3 -c 'import os, sys; print(os.path.relpath(sys.argv[1], sys.argv[2]))' "$PWD/$1" "$base"; }
packages=""
# Is there a model where Argos keeps them? Asked with the defaults (an empty settings
# file), not with a briefing.toml this script wrote before.
: > .demo/defaults.toml
if ! .venv/bin/briefing --config .demo/defaults.toml models list 2>/dev/null | grep -q '^ar->en'; then
  echo "No Arabic-English model installed: using the small test model (tests/data) for this demo." >&2
  packages="packages_dir = \"$(relative .demo/argos-packages)\""
fi
cat > "$config" <<EOF
$marker: the demo's settings (input seeds/, output out/, its own record).
# Delete this file to go back to the defaults, or edit it (every key: README, "Configuration").
[input]
dir = "$(relative seeds)"
[output]
dir = "$(relative out)"
[translate]
$packages
[store]
path = "$(relative .demo/briefing.sqlite3)"
EOF
if [ -n "$packages" ]; then
  .venv/bin/briefing --config "$config" models install tests/data/translate-ar_en-test.argosmodel >&2
fi
.venv/bin/briefing --config "$config" generate "$@"
if [ "$config" = briefing.toml ]; then
  echo "Settings in briefing.toml: from this folder, .venv/bin/briefing status | models list | generate | schedule work as the demo did." >&2
else
  echo "You have a briefing.toml here; the demo's settings are in .demo/briefing.toml: .venv/bin/briefing --config .demo/briefing.toml status" >&2
fi
