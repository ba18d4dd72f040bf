"""Packaging files: the desktop entry, AppStream metainfo, icons, the PyInstaller
spec, and what the wheel ships. Fast checks only; packaging/build.sh and
packaging/wheel_smoke.sh build and run the real artifacts."""

from __future__ import annotations

import ast
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from desk import __version__

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "io.github.desk.Desk"
DESKTOP = ROOT / "resources" / f"{APP_ID}.desktop"
METAINFO = ROOT / "resources" / f"{APP_ID}.metainfo.xml"
SPEC = ROOT / "packaging" / "desk.spec"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def _desktop_entry() -> dict[str, str]:
    entry: dict[str, str] = {}
    for line in DESKTOP.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            entry[key.strip()] = value.strip()
    return entry


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_desktop_file_validates() -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate is not installed (apt-get install desktop-file-utils)")
    res = subprocess.run([tool, str(DESKTOP)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stdout + res.stderr
    # Not even hints: a hint means the menu may show Desk twice or misfile it.
    assert res.stdout.strip() == "", res.stdout


def test_desktop_file_names_the_app() -> None:
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Desk"
    assert entry["Icon"] == APP_ID
    assert entry["Exec"].split()[0] == "desk"
    assert entry["Terminal"] == "false"


def test_metainfo_validates() -> None:
    tool = shutil.which("appstreamcli")
    if tool is None:
        pytest.skip("appstreamcli is not installed (apt-get install appstream)")
    res = subprocess.run(
        [tool, "validate", "--no-net", "--no-color", str(METAINFO)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    # Infos are fine (0.16 does not know <developer> yet); warnings and errors are not.
    assert not re.search(r"^[WE]: ", res.stdout, re.MULTILINE), res.stdout


def test_metainfo_matches_desktop_file_and_version() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("provides/binary") == "desk"
    versions = [r.get("version") for r in root.iter("release")]
    assert versions and versions[0] == __version__, "newest <release> must be desk.__version__"


@pytest.mark.parametrize("size", ICON_SIZES)
def test_hicolor_png_has_its_size(size: int) -> None:
    png = ROOT / "resources" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    assert png.is_file(), f"{png} is missing; run python packaging/make_icons.py"
    assert _png_size(png) == (size, size)


def test_svg_copies_match_the_master() -> None:
    master = (ROOT / "resources" / "desk.svg").read_bytes()
    root = ET.fromstring(master)
    assert root.get("viewBox") == "0 0 256 256"
    assert b"<text" not in master and b"href" not in master, "no text, no external refs"
    for copy in (
        ROOT / "desk" / "assets" / "desk.svg",
        ROOT / "resources" / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
    ):
        assert copy.read_bytes() == master, f"{copy} is stale; run python packaging/make_icons.py"


def _path_parts(node: ast.AST) -> list[str]:
    """The string parts of ``str(ROOT / "a" / "b")``, in order: ["a", "b"]."""
    if isinstance(node, ast.Call):
        return _path_parts(node.args[0])
    if isinstance(node, ast.BinOp):
        return _path_parts(node.left) + _path_parts(node.right)
    if isinstance(node, ast.Constant):
        return [node.value]
    return []


def test_spec_bundles_the_data_folders() -> None:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    datas = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(getattr(t, "id", "") == "DATAS" for t in node.targets)
    )
    pairs = {}
    for elt in datas.elts:  # (str(ROOT / "a" / "b"), "dest")
        src_expr, dest = elt.elts
        pairs["/".join(_path_parts(src_expr))] = dest.value
    assert pairs == {"desk/assets": "desk/assets", "seeds": "desk/seeds"}
    for src in pairs:
        assert (ROOT / src).is_dir()
    text = SPEC.read_text(encoding="utf-8")
    assert "COLLECT(" in text and 'name="desk"' in text


def test_wheel_ships_seeds_assets_and_types(tmp_path: Path) -> None:
    res = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
         "--disable-pip-version-check", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert res.returncode == 0, res.stdout + res.stderr
    (wheel,) = tmp_path.glob("desk-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "desk/seeds/collection.yaml",
        "desk/seeds/article.txt",
        "desk/seeds/gazetteer.yaml",
        "desk/assets/desk.svg",
        "desk/py.typed",
    ):
        assert name in names, f"{name} is not in {wheel.name}"
    assert not [n for n in names if n.startswith(("tests/", "packaging/"))]


def test_runtime_icon_renders(qapp) -> None:  # type: ignore[no-untyped-def]
    """The window's icon loads through Qt's SVG icon engine (also in the bundle)."""
    from PySide6.QtGui import QIcon

    from desk.paths import assets_dir

    icon = QIcon(str(assets_dir() / "desk.svg"))
    pixmap = icon.pixmap(32, 32)
    assert not pixmap.isNull()
    image = pixmap.toImage()
    assert image.pixelColor(16, 16).alpha() == 255, "the icon's middle is opaque"
    assert image.pixelColor(0, 0).alpha() < 255, "the rounded corner is transparent"
