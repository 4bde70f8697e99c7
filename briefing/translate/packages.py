"""Argos package management: list, install from a file, install from the Argos index.

Everything goes through ``argostranslate.package`` so packages land where Argos
itself looks for them (``~/.local/share/argos-translate/packages`` unless
``translate.packages_dir`` names another folder). ``argostranslate.settings``
reads its environment and creates its folders when first imported, so it is
imported here lazily, never at package import time.

The index download and the package download are ours, with timeouts: Argos's own
``update_package_index`` has none, swallows errors, and ``get_available_packages``
then recurses forever when offline.
"""

from __future__ import annotations

import json
import logging
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, cast

from briefing.errors import ModelNotInstalledError, PackageInstallError

__all__ = [
    "InstalledPackage",
    "argos_package_module",
    "find_installed_package",
    "install_from_file",
    "install_from_index",
    "list_installed_packages",
]

log = logging.getLogger(__name__)

# Seconds to wait on the Argos index and package downloads. A package is ~100 MB,
# so the read timeout is per network read, not for the whole download.
NETWORK_TIMEOUT_S = 60


@dataclass(frozen=True, slots=True)
class InstalledPackage:
    name: str
    """The package's folder name, e.g. ``translate-ar_en``."""
    version: str
    from_code: str
    to_code: str
    path: Path

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


def argos_package_module(packages_dir: Path | None, *, create: bool = False) -> ModuleType:
    """``argostranslate.package``, pointed at ``packages_dir`` when one is configured.

    Only installing creates the folder (``create=True``): a lookup in a folder that
    does not exist finds nothing, so a typo in the config is reported, not papered over.
    """
    import argostranslate.package
    import argostranslate.settings as argos_settings

    if packages_dir is not None:
        if create:
            packages_dir.mkdir(parents=True, exist_ok=True)
        argos_settings.package_data_dir = packages_dir
        argos_settings.package_dirs = [packages_dir]
    return cast(ModuleType, argostranslate.package)


def installed_translate_packages(packages_dir: Path | None) -> list[Any]:
    """Every ``argostranslate.package.Package`` of type translate in the package folders.

    Argos's own ``get_installed_packages`` raises on any sub-folder without a
    ``metadata.json`` (a half-extracted install leaves one); such folders are skipped
    with a warning instead.
    """
    if packages_dir is not None and not packages_dir.is_dir():
        return []
    package_module = argos_package_module(packages_dir)
    import argostranslate.settings as argos_settings

    found = []
    for folder in argos_settings.package_dirs:
        if not Path(folder).is_dir():
            continue
        for candidate in sorted(Path(folder).iterdir()):
            if not candidate.is_dir():
                continue
            if not (candidate / "metadata.json").is_file():
                log.warning("ignored %s: not an Argos package (no metadata.json)", candidate)
                continue
            try:
                pkg = package_module.Package(candidate)
            except (OSError, ValueError) as exc:
                log.warning("ignored %s: unreadable Argos package (%s)", candidate, exc)
                continue
            if getattr(pkg, "type", "translate") == "translate":
                found.append(pkg)
    return found


def list_installed_packages(packages_dir: Path | None) -> list[InstalledPackage]:
    found = [_describe(pkg) for pkg in installed_translate_packages(packages_dir)]
    return sorted(found, key=lambda p: (p.from_code, p.to_code, p.name))


def find_installed_package(packages_dir: Path | None, from_code: str, to_code: str) -> Any:
    """The installed ``argostranslate.package.Package`` for the pair, newest version first."""
    candidates = [
        pkg
        for pkg in installed_translate_packages(packages_dir)
        if pkg.from_code == from_code and pkg.to_code == to_code
    ]
    if not candidates:
        where = f" in {packages_dir}" if packages_dir is not None else ""
        raise ModelNotInstalledError(
            f"no Argos translation package for {from_code}->{to_code} is installed{where}. "
            "Install one with `briefing models install` (online, from the Argos index) "
            "or `briefing models install FILE.argosmodel` (offline, from a file)."
        )
    from packaging.version import InvalidVersion, Version

    def version_key(pkg: Any) -> tuple[int, Any]:
        try:
            return (1, Version(pkg.package_version))
        except InvalidVersion:
            return (0, pkg.package_version)

    return max(candidates, key=version_key)


def install_from_file(packages_dir: Path | None, archive: Path) -> InstalledPackage:
    """Install a ``.argosmodel`` file after checking it is a translate package."""
    folder = _checked_package_folder(archive)
    package_module = argos_package_module(packages_dir, create=True)
    import argostranslate.settings as argos_settings

    try:
        package_module.install_from_path(archive)
        installed = _describe(package_module.Package(Path(argos_settings.package_data_dir) / folder))
    except Exception as exc:  # argostranslate raises bare Exception
        raise PackageInstallError(f"{archive}: {exc}") from exc
    log.info("installed %s into %s", installed.label, installed.path.parent)
    return installed


def install_from_index(
    packages_dir: Path | None, from_code: str, to_code: str, *, index_url: str | None = None
) -> InstalledPackage:
    """Download the pair's package from the Argos index and install it (needs network)."""
    package_module = argos_package_module(packages_dir, create=True)
    import argostranslate.settings as argos_settings

    url = index_url or argos_settings.remote_package_index
    try:
        index = json.loads(_download(url))
    except (OSError, ValueError) as exc:
        raise PackageInstallError(
            f"cannot read the Argos package index at {url} ({exc}). Offline? "
            "Install from a file instead: `briefing models install FILE.argosmodel`."
        ) from exc
    entries = [
        entry
        for entry in index
        if entry.get("type", "translate") == "translate"
        and entry.get("from_code") == from_code
        and entry.get("to_code") == to_code
    ]
    if not entries:
        raise PackageInstallError(f"the Argos index has no {from_code}->{to_code} translation package")
    entry = package_module.AvailablePackage(entries[0])
    with tempfile.TemporaryDirectory(prefix="briefing-download-") as tmp:
        archive = Path(tmp) / f"translate-{from_code}_{to_code}.argosmodel"
        errors = []
        for link in entry.links:
            try:
                archive.write_bytes(_download(link))
                break
            except OSError as exc:
                errors.append(f"{link}: {exc}")
        else:
            raise PackageInstallError("download failed: " + "; ".join(errors or ["no download links"]))
        return install_from_file(packages_dir, archive)


def _download(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "briefing"})
    with urllib.request.urlopen(request, timeout=NETWORK_TIMEOUT_S) as response:
        data: bytes = response.read()
        return data


def _checked_package_folder(archive: Path) -> str:
    """The archive's one top-level folder, once its layout and metadata are checked."""
    if not archive.is_file():
        raise PackageInstallError(f"{archive}: no such file")
    if not zipfile.is_zipfile(archive):
        raise PackageInstallError(f"{archive}: not an Argos package (must be a zip archive)")
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        metadata_names = [n for n in names if n.count("/") == 1 and n.endswith("/metadata.json")]
        if len(metadata_names) != 1:
            raise PackageInstallError(f"{archive}: expected one top-level folder with a metadata.json")
        for name in names:
            if name.startswith("/") or ".." in Path(name).parts:
                raise PackageInstallError(f"{archive}: unsafe path in archive: {name}")
        try:
            metadata: dict[str, Any] = json.loads(zf.read(metadata_names[0]))
        except ValueError as exc:
            raise PackageInstallError(f"{archive}: metadata.json is not valid JSON") from exc
        folder = metadata_names[0].split("/")[0]
        if metadata.get("type", "translate") != "translate":
            raise PackageInstallError(f"{archive}: not a translate package (type {metadata.get('type')!r})")
        for key in ("from_code", "to_code"):
            if not metadata.get(key):
                raise PackageInstallError(f"{archive}: metadata.json lacks {key}")
        if not any(n.startswith(f"{folder}/model/") for n in names):
            raise PackageInstallError(f"{archive}: no model/ folder (CTranslate2 model) in the package")
    return folder


def _describe(pkg: Any) -> InstalledPackage:
    return InstalledPackage(
        name=Path(pkg.package_path).name,
        version=str(pkg.package_version),
        from_code=str(pkg.from_code),
        to_code=str(pkg.to_code),
        path=Path(pkg.package_path),
    )
