#!/usr/bin/env bash
# Install (or remove) Desk's menu entry, AppStream metainfo and icons for the
# current user, under $XDG_DATA_HOME (default ~/.local/share). No root needed.
#
#   packaging/install-desktop.sh                      # Exec=desk (desk on PATH: pip/pipx install)
#   packaging/install-desktop.sh --exec "$PWD/dist/desk/desk"   # the PyInstaller bundle
#   packaging/install-desktop.sh --uninstall
#
# Installs applications/io.github.desk.Desk.desktop, metainfo/io.github.desk.Desk.metainfo.xml
# and icons/hicolor/{16x16..512x512,scalable}/apps/io.github.desk.Desk.{png,svg}, then
# refreshes the desktop and icon caches when those tools are installed.
set -euo pipefail

APP_ID="io.github.desk.Desk"
HERE="$(cd "$(dirname "$0")" && pwd)"
RES="$(dirname "$HERE")/resources"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"

EXEC=""
UNINSTALL=0
while [ $# -gt 0 ]; do
    case "$1" in
        --exec) EXEC="${2:?--exec needs the path of the desk program}"; shift 2 ;;
        --uninstall) UNINSTALL=1; shift ;;
        -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install-desktop: unknown argument $1" >&2; exit 2 ;;
    esac
done

icons=()
for dir in "$RES"/icons/hicolor/*/apps; do
    size="$(basename "$(dirname "$dir")")"
    for f in "$dir/$APP_ID".*; do icons+=("$size/apps/$(basename "$f")"); done
done

refresh() {
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$DATA/applications" || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -d "$DATA/icons/hicolor" ]; then
        gtk-update-icon-cache -q -f -t "$DATA/icons/hicolor" || true
    fi
}

if [ "$UNINSTALL" = 1 ]; then
    rm -f "$DATA/applications/$APP_ID.desktop" "$DATA/metainfo/$APP_ID.metainfo.xml"
    for icon in "${icons[@]}"; do rm -f "$DATA/icons/hicolor/$icon"; done
    refresh
    echo "install-desktop: removed Desk's desktop entry, metainfo and icons from $DATA"
    exit 0
fi

if [ -n "$EXEC" ]; then
    EXEC="$(realpath "$EXEC")"
    [ -x "$EXEC" ] || { echo "install-desktop: $EXEC is not an executable" >&2; exit 1; }
    case "$EXEC" in
        *[[:space:]\"\'\\\`\$]*) echo "install-desktop: put desk in a path without spaces or quotes" >&2; exit 1 ;;
    esac
elif ! command -v desk >/dev/null 2>&1; then
    echo "install-desktop: note: 'desk' is not on PATH; the menu entry needs it (or use --exec)" >&2
fi

install -d "$DATA/applications" "$DATA/metainfo"
if [ -n "$EXEC" ]; then
    sed -e "s|^Exec=desk |Exec=$EXEC |" -e "s|^TryExec=desk$|TryExec=$EXEC|" \
        "$RES/$APP_ID.desktop" > "$DATA/applications/$APP_ID.desktop"
    chmod 644 "$DATA/applications/$APP_ID.desktop"
else
    install -m 644 "$RES/$APP_ID.desktop" "$DATA/applications/$APP_ID.desktop"
fi
install -m 644 "$RES/$APP_ID.metainfo.xml" "$DATA/metainfo/$APP_ID.metainfo.xml"
for icon in "${icons[@]}"; do
    install -D -m 644 "$RES/icons/hicolor/$icon" "$DATA/icons/hicolor/$icon"
done
if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate "$DATA/applications/$APP_ID.desktop"
fi
refresh
echo "install-desktop: installed Desk's desktop entry, metainfo and ${#icons[@]} icons into $DATA"
