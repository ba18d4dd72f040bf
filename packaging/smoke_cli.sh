#!/usr/bin/env bash
# Smoke-test an installed or bundled `desk` command from outside the checkout.
#
#   packaging/smoke_cli.sh /path/to/desk [--window]
#
# Checks: `desk --version` prints the project version; `desk seed` loads the
# sample collection into a fresh library; `desk search wakhan` finds passages
# (JSON, at least one hit). With --window (and desk/app.py in the checkout),
# also runs `desk --smoke-test` offscreen: the window opens, searches and exits.
set -euo pipefail

DESK="$1"; shift
WINDOW=0
[ "${1:-}" = "--window" ] && WINDOW=1

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
VERSION="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/desk/__init__.py")"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/elsewhere"
cd "$WORK/elsewhere"   # never run from the checkout: nothing may come from it

fail() { echo "smoke: FAIL: $*" >&2; exit 1; }

out="$("$DESK" --version)" || fail "desk --version exited $?"
[ "$out" = "desk, version $VERSION" ] || fail "desk --version printed '$out', expected version $VERSION"
echo "smoke: $out"

"$DESK" --library "$WORK/lib" seed || fail "desk seed"
"$DESK" --library "$WORK/lib" search --json wakhan > "$WORK/hits.json" || fail "desk search"
hits="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$WORK/hits.json")"
[ "$hits" -ge 1 ] || fail "desk search wakhan found no passage in the sample collection"
echo "smoke: desk search wakhan: $hits hits"

if [ "$WINDOW" = 1 ]; then
    if [ -f "$ROOT/desk/app.py" ]; then
        QT_QPA_PLATFORM=offscreen "$DESK" --library "$WORK/lib2" --smoke-test \
            || fail "desk --smoke-test exited $?"
        echo "smoke: desk --smoke-test (offscreen window) passed"
    else
        echo "smoke: desk/app.py is not in this checkout yet; skipped --smoke-test"
    fi
fi
echo "smoke: OK ($DESK)"
