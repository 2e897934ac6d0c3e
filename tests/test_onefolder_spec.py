"""The one-folder build's lists (installers/pyinstaller/onefolder.py) agree with the program,
without building: every module the program loads by name is collected, every shipped file is
carried, nothing left out is something the program uses, and the frozen start-up picks an
input method the bundle has. The build itself: installers/test-onefolder.sh.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

import pytest

from tests.test_lock import RUNTIME, _lock

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "installers" / "pyinstaller"))
import onefolder  # noqa: E402

BUILD = REPO / "requirements" / "build.txt"


def _module_exists(name: str) -> bool:
    path = REPO / Path(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _tuple_of_strings(path: Path, name: str) -> tuple[str, ...]:
    """A module-level ``NAME = ("a", "b")`` (or ``NAME: ... = (...)``), read without importing."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            value = ast.literal_eval(node.value)  # type: ignore[attr-defined]
            assert isinstance(value, tuple)
            return value
    raise AssertionError(f"{name} not found in {path}")


def test_hidden_imports_are_every_module_the_wheel_ships() -> None:
    modules = set(onefolder.project_modules())
    wheel_modules = set()
    for name, _ in onefolder.wheel_backend.wheel_files():
        if name.endswith(".py"):
            dotted = name.removesuffix(".py").replace("/", ".")
            wheel_modules.add(dotted.removesuffix(".__init__"))
    assert modules == wheel_modules
    assert {"app.cli", "ui.launch", "storage.stores", "export.pades"} <= modules


def test_every_subcommand_the_cli_loads_by_name_is_collected() -> None:
    modules = set(onefolder.project_modules())
    cli = REPO / "app" / "cli"
    for name in _tuple_of_strings(cli / "__init__.py", "SUBCOMMAND_MODULES"):
        assert f"app.cli.{name}" in modules, name
    for name in _tuple_of_strings(cli / "ministry.py", "EXTRA_REGISTRARS"):
        assert name in modules, name


def test_every_module_loaded_with_import_module_is_collected_or_a_library() -> None:
    modules = set(onefolder.project_modules())
    dynamic = [
        (name, file)
        for name, file in onefolder.imported_names()
        if name.split(".")[0] in onefolder.PACKAGES
    ]
    assert ("ui.launch", "app/cli/__init__.py") in dynamic
    assert ("app.cli.*", "app/cli/__init__.py") in dynamic  # the f-string of build_parser
    for name, file in dynamic:
        if name.endswith("*"):
            prefix = name.removesuffix("*")
            assert any(m.startswith(prefix) for m in modules), (name, file)
        else:
            assert name in modules and _module_exists(name), (name, file)


def test_nothing_left_out_is_imported_by_the_program() -> None:
    used = {
        (name, file)
        for name, file in onefolder.imported_names()
        for excluded in onefolder.EXCLUDED_MODULES
        if name == excluded or name.startswith(excluded + ".")
    }
    assert used == set()


def test_every_qt_module_the_program_imports_keeps_its_library() -> None:
    qt_modules = {
        name.split(".")[1]
        for name, _ in onefolder.imported_names()
        if name.startswith("PySide6.Qt")
    }
    assert {"QtCore", "QtGui", "QtWidgets", "QtPdf", "QtPdfWidgets"} <= qt_modules
    for module in qt_modules:
        assert onefolder.keep(f"PySide6/{module}.abi3.so")
        assert onefolder.keep(f"PySide6/Qt/lib/libQt6{module.removeprefix('Qt')}.so.6")


def test_shipped_data_is_laid_out_where_app_paths_looks() -> None:
    carried = {f"{folder}/{Path(source).name}" for source, folder in onefolder.datas()}
    for source, _ in onefolder.datas():
        assert Path(source).is_file(), source
    expected = {
        p.relative_to(REPO).as_posix()
        for p in (REPO / "resources").rglob("*")
        if p.is_file()
        and "parts" not in p.parts
        and "__pycache__" not in p.parts
        and not p.name.endswith((".pyc", "~", ".orig", ".rej"))
    }
    assert expected <= carried
    assert {
        "resources/fonts/WenQuanYiMicroHei.ttf",
        "resources/locale/zh_CN/LC_MESSAGES/review_desk.po",
        "resources/rubrics/most-2019-default.json",
        "resources/demo/meeting.json",
        "docs/user-guide.md",
    } <= carried


def test_app_paths_finds_the_bundle_when_frozen(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import app.paths

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert app.paths._root() == tmp_path
    monkeypatch.delattr(sys, "frozen")
    assert app.paths._root() == app.paths.ROOT != tmp_path


@pytest.mark.parametrize(
    "path",
    [
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/plugins/platforms/libqwayland.so",
        "PySide6/Qt/plugins/xcbglintegrations/libqxcb-glx-integration.so",
        "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
        "PySide6/Qt/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so",
        "PySide6/Qt/plugins/imageformats/libqsvg.so",
        "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",
        "PySide6/Qt/translations/qtbase_zh_CN.qm",
        "PySide6/Qt/lib/libQt6Pdf.so.6",
        "babel/locale-data/root.dat",
        "babel/locale-data/zh_Hans_CN.dat",
        "babel/locale-data/en_GB.dat",
        "pyhanko/sign/validation/qualified/lotl-certs/latest.cert.pem",
        "resources/fonts/WenQuanYiMicroHei.ttf",
        # the Windows wheel's layout (PySide6/plugins, no Qt/ level), as written on Windows
        "PySide6/plugins/platforms/qwindows.dll",
        "PySide6\\plugins\\platforms\\qoffscreen.dll",
        "PySide6/plugins/styles/qmodernwindowsstyle.dll",
        "PySide6/plugins/imageformats/qsvg.dll",
        "PySide6/plugins/iconengines/qsvgicon.dll",
        "PySide6/translations/qt_zh_CN.qm",
    ],
)
def test_kept(path: str) -> None:
    assert onefolder.keep(path)


@pytest.mark.parametrize(
    "path",
    [
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
        "PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so",
        "PySide6/Qt/plugins/platforms/libqeglfs.so",
        "PySide6/Qt/plugins/platforms/libqlinuxfb.so",
        "PySide6/Qt/plugins/platforms/libqvnc.so",
        "PySide6/Qt/plugins/platforms/libqvkkhrdisplay.so",
        "PySide6/Qt/plugins/platforms/libqminimalegl.so",
        "PySide6/Qt/plugins/egldeviceintegrations/libqeglfs-kms-integration.so",
        "PySide6/Qt/plugins/qmltooling/libqmldbg_tcp.so",
        "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
        "PySide6/Qt/qml/QtQuick/qmldir",
        "PySide6/Qt/translations/qtbase_de.qm",
        "babel/locale-data/fr.dat",
        "reportlab/fonts/_a______.pfb",
        "setuptools/__init__.pyc",
        "pkg_resources/__init__.pyc",
        "PySide6/plugins/platforms/qdirect2d.dll",
        "PySide6/plugins/qmltooling/qmldbg_tcp.dll",
        "PySide6/plugins/tls/qschannelbackend.dll",
        "PySide6/translations/qtbase_de.qm",
        "PySide6/qml/QtQuick/qmldir",
    ],
)
def test_left_out(path: str) -> None:
    assert not onefolder.keep(path)


def test_qt_translations_kept_are_the_ones_the_window_loads() -> None:
    catalogs = _tuple_of_strings(REPO / "ui" / "common" / "i18n.py", "QT_CATALOGS")
    assert {f"{name}.qm" for name in catalogs} == set(onefolder.QT_TRANSLATIONS)


def test_a_library_stays_only_while_something_kept_links_it() -> None:
    binaries = [
        ("PySide6/QtWidgets.abi3.so", "/s/QtWidgets.abi3.so"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/s/libqxcb.so"),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", "/s/libQt6Widgets.so.6"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/s/libQt6Gui.so.6"),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/s/libQt6XcbQpa.so.6"),
        ("PySide6/Qt/lib/libQt6Quick.so.6", "/s/libQt6Quick.so.6"),
        ("libgtk-3.so.0", "/usr/lib/libgtk-3.so.0"),
    ]
    imports = {
        "/s/QtWidgets.abi3.so": {"libQt6Widgets.so.6"},
        "/s/libQt6Widgets.so.6": {"libQt6Gui.so.6", "libc.so.6"},
        "/s/libqxcb.so": {"libQt6XcbQpa.so.6"},
        "/s/libQt6Quick.so.6": {"libQt6Gui.so.6"},
    }
    kept, dropped = onefolder.reachable(binaries, imports)
    assert dropped == {"PySide6/Qt/lib/libQt6Quick.so.6", "libgtk-3.so.0"}
    assert "PySide6/Qt/lib/libQt6XcbQpa.so.6" in kept


def test_build_lock_is_the_runtime_lock_plus_the_pinned_pyinstaller() -> None:
    build = _lock(BUILD)
    runtime = _lock(RUNTIME)
    assert all(count > 0 for _, count in build.values())
    for name, (version, _) in runtime.items():
        assert build.get(name, ("missing", 0))[0] == version, name
    with (REPO / "pyproject.toml").open("rb") as fh:
        extra = tomllib.load(fh)["project"]["optional-dependencies"]["build"]
    for requirement in extra:
        name, version = re.split(r"==", requirement)
        assert build[name.lower()][0] == version, "run: bash installers/lock.sh"


def test_the_build_script_installs_from_the_hashed_build_lock() -> None:
    script = (REPO / "installers" / "build-onefolder.sh").read_text(encoding="utf-8")
    assert "--require-hashes --no-deps -r requirements/build.txt" in script
    assert "installers/pyinstaller/review-desk.spec" in script
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "installers/build-onefolder.sh" in readme
    assert "installers/test-onefolder.sh" in readme
