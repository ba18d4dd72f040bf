#!/usr/bin/env bash
# Build Desk's one-folder bundle (dist/desk/) with PyInstaller, then smoke-test it.
#
#   packaging/build.sh [--tarball]
#
# Creates (or reuses) the venv build/venv, installs Desk and PyInstaller into
# it, runs packaging/desk.spec, and checks the bundle from outside the checkout:
# `desk --version`, `desk seed`, `desk search wakhan`, and the offscreen window
# (`desk --smoke-test`). --tarball also writes dist/desk-<version>-linux-<arch>.tar.gz.
# Needs python3 (3.11+) with venv, and network access to PyPI for the first run.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
cd "$ROOT"

TARBALL=0
[ "${1:-}" = "--tarball" ] && TARBALL=1
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/build/venv"
START=$SECONDS

step() { echo "build: $* ($((SECONDS - START)) s)"; }

if [ ! -x "$VENV/bin/python" ]; then
    step "creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
step "installing Desk and PyInstaller"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check . "pyinstaller>=6.10,<7"
# One Qt binding only: PyInstaller refuses to collect two.
if "$VENV/bin/python" -c "import PyQt5" 2>/dev/null || "$VENV/bin/python" -c "import PyQt6" 2>/dev/null; then
    echo "build: a PyQt binding is installed in $VENV; remove it (rm -rf build/venv)" >&2
    exit 1
fi

step "running PyInstaller"
rm -rf "$ROOT/dist/desk"
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" \
    packaging/desk.spec
BUILT=$SECONDS

step "smoke-testing dist/desk/desk"
bash "$HERE/smoke_cli.sh" "$ROOT/dist/desk/desk" --window

VERSION="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' desk/__init__.py)"
if [ "$TARBALL" = 1 ]; then
    TGZ="dist/desk-$VERSION-linux-$(uname -m).tar.gz"
    step "writing $TGZ"
    tar -C dist -czf "$TGZ" desk
    echo "build: $TGZ: $(du -h "$TGZ" | cut -f1)"
fi

echo "build: dist/desk/: $(du -sh dist/desk | cut -f1), $(find dist/desk -type f | wc -l) files;" \
     "PyInstaller $((BUILT - START)) s in all so far, total $((SECONDS - START)) s"
echo "build: run it with dist/desk/desk (add it to PATH, then packaging/install-desktop.sh)"
