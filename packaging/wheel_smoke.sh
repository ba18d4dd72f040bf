#!/usr/bin/env bash
# Build the sdist and the wheel, check what they contain, install the wheel
# into a fresh venv, and run `desk` from a folder outside the checkout.
#
#   packaging/wheel_smoke.sh [OUTDIR]
#
# `python -m build` makes the sdist first and then the wheel *from the sdist*,
# so a file missing from the sdist fails here too. The sdist and wheel are
# left in OUTDIR (default dist/). Needs python3 with venv and PyPI access.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
OUT="$(realpath -m "${1:-$ROOT/dist}")"
PYTHON="${PYTHON:-python3}"
START=$SECONDS
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

step() { echo "wheel: $* ($((SECONDS - START)) s)"; }

step "building sdist and wheel into $OUT"
"$PYTHON" -m venv "$WORK/tools"
"$WORK/tools/bin/python" -m pip install -q --disable-pip-version-check "build>=1"
mkdir -p "$OUT"
rm -f "$OUT"/desk-*.whl "$OUT"/desk-*.tar.gz
(cd "$ROOT" && "$WORK/tools/bin/python" -m build -q --outdir "$OUT" .) >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log" >&2; echo "wheel: python -m build failed" >&2; exit 1; }
WHEEL="$(ls "$OUT"/desk-*.whl)"
SDIST="$(ls "$OUT"/desk-*.tar.gz)"

step "checking contents of $(basename "$WHEEL") and $(basename "$SDIST")"
"$PYTHON" - "$WHEEL" "$SDIST" <<'PY'
import sys, tarfile, zipfile
wheel, sdist = sys.argv[1:3]
names = set(zipfile.ZipFile(wheel).namelist())
need = ["desk/__init__.py", "desk/py.typed", "desk/assets/desk.svg",
        "desk/seeds/collection.yaml", "desk/seeds/article.txt", "desk/seeds/gazetteer.yaml"]
missing = [n for n in need if n not in names]
stray = sorted(n for n in names if n.startswith(("tests/", "seeds/", "packaging/", "resources/")))
with tarfile.open(sdist) as t:
    top = t.getnames()[0].split("/")[0]
    snames = {n.split("/", 1)[1] for n in t.getnames() if "/" in n}
sneed = ["pyproject.toml", "README.md", "seeds/collection.yaml", "desk/assets/desk.svg",
         "resources/io.github.desk.Desk.desktop", "packaging/desk.spec"]
smissing = [n for n in sneed if n not in snames]
if missing or stray or smissing:
    sys.exit(f"wheel: missing in wheel {missing}, stray in wheel {stray}, missing in sdist {smissing}")
print(f"wheel: {len(names)} files in the wheel, {len(snames)} in the sdist; seeds and assets inside")
PY

step "installing the wheel into a fresh venv"
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install -q --disable-pip-version-check "$WHEEL"

step "running desk from outside the checkout"
bash "$HERE/smoke_cli.sh" "$WORK/venv/bin/desk" --window
# The package must come from the venv, not from the checkout.
where="$(cd "$WORK" && "$WORK/venv/bin/python" -c 'import desk.paths as p; print(p.seeds_dir())')"
case "$where" in
    "$WORK/venv/"*) echo "wheel: seeds_dir() = $where" ;;
    *) echo "wheel: FAIL: seeds_dir() is $where, not inside the venv" >&2; exit 1 ;;
esac
step "OK: $(du -h "$WHEEL" | cut -f1) wheel, $(du -h "$SDIST" | cut -f1) sdist"
