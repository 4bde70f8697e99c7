"""Argos package management: list, install from a file, install from the Argos index.

Everything goes through ``argostranslate.package`` so packages land where Argos
itself looks for them (``~/.local/share/argos-translate/packages`` unless
``translate.packages_dir`` names another folder). ``argostranslate.settings``
reads its environment and creates its folders when first imported, so it is
imported here lazily, never at package import time.

The index download and the package download are ours, with timeouts: Argos's own
``update_package_index`` has none, swallows errors, and ``get_available_packages``
then recurses forever when offline.

Installing is ours too, not Argos's ``install_from_path`` (which extracts the whole zip
into the packages folder): a package is checked whole before anything is written (its
layout, its metadata, every member's inflated size and their total), only its own
top-level folder is extracted, into a hidden folder, streamed with each member held to
the size it declares, and renamed into place only when complete. It may replace an
older version of itself, never another package's folder; a failure (a full disk) leaves
nothing that ``models list`` could take for a package.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import secrets
import shutil
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
# Bounds on a package, checked before anything is extracted. Argos packages are 30-200 MB
# inflated; a CTranslate2 model of NLLB 1.3B in float32 is about 5.5 GB, the largest a
# user would plug in on a CPU machine; 8 GB leaves room. A metadata.json is a few
# hundred bytes: 1 MB is generous, and it is read whole (by us, then by Argos, at every
# `models list`). 10,000 members is far above a model's dozen files.
MAX_PACKAGE_BYTES = 8_000_000_000
MAX_METADATA_BYTES = 1_000_000
MAX_PACKAGE_MEMBERS = 10_000
# The Argos index is a JSON list of about a hundred packages, under 100 KB.
MAX_INDEX_BYTES = 10_000_000
# Hidden folders an interrupted install may leave in the packages folder; never listed.
_INSTALLING_PREFIX = ".installing-"


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
    ``metadata.json``; such folders are skipped with a warning instead, and so is a
    package whose metadata is larger than ``MAX_METADATA_BYTES`` (Argos reads it whole).
    Hidden folders (an install in progress or interrupted) are not packages.
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
            if not candidate.is_dir() or candidate.name.startswith("."):
                continue
            metadata = candidate / "metadata.json"
            if not metadata.is_file():
                log.warning("ignored %s: not an Argos package (no metadata.json)", candidate)
                continue
            if metadata.stat().st_size > MAX_METADATA_BYTES:
                log.warning("ignored %s: its metadata.json is larger than %d bytes", candidate, MAX_METADATA_BYTES)
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
    """Install a ``.argosmodel`` file after checking it is a translate package within bounds."""
    folder, metadata = _checked_package(archive)
    package_module = argos_package_module(packages_dir, create=True)
    import argostranslate.settings as argos_settings

    root = Path(argos_settings.package_data_dir)
    target = root / folder
    _refuse_overwriting_another_package(archive, target, metadata)
    _sweep_interrupted_installs(root)
    staging = root / f"{_INSTALLING_PREFIX}{secrets.token_hex(6)}"
    try:
        with zipfile.ZipFile(archive) as zf:
            _extract_folder(zf, folder, staging)
        unpacked = staging / folder
        installed = _describe(package_module.Package(unpacked))
        _replace_folder(unpacked, target, staging / f"{folder}.previous")
    except OSError as exc:
        raise PackageInstallError(f"{archive}: cannot install it into {root}: {exc.strerror or exc}") from exc
    except PackageInstallError:
        raise
    except Exception as exc:  # argostranslate raises bare Exception
        raise PackageInstallError(f"{archive}: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    installed = dataclasses.replace(installed, path=target)
    log.info("installed %s into %s", installed.label, root)
    return installed


def _replace_folder(new: Path, target: Path, aside: Path) -> None:
    """Put ``new`` at ``target``; an older version there goes ``aside`` first, and comes
    back if the new one cannot be put in place."""
    if not target.exists():
        os.replace(new, target)
        return
    os.replace(target, aside)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(aside, target)
        raise


def _sweep_interrupted_installs(root: Path) -> None:
    """Remove what a killed install left: hidden staging folders (never listed). One that
    still holds an older version beside no installed one gives it back first."""
    if not root.is_dir():
        return
    for staging in root.glob(f"{_INSTALLING_PREFIX}*"):
        for previous in staging.glob("*.previous"):
            target = root / previous.name.removesuffix(".previous")
            if not target.exists():
                os.replace(previous, target)
                log.warning("put back %s, left aside by an interrupted install", target)
        shutil.rmtree(staging, ignore_errors=True)


def _refuse_overwriting_another_package(archive: Path, target: Path, metadata: dict[str, Any]) -> None:
    """A package may replace an older version of itself (same pair), never another package."""
    existing = target / "metadata.json"
    if not existing.is_file():
        return
    try:
        if existing.stat().st_size > MAX_METADATA_BYTES:
            raise ValueError("too large")
        installed = json.loads(existing.read_text(encoding="utf-8"))
        pair = (installed.get("from_code"), installed.get("to_code"))
    except (OSError, ValueError, RecursionError, AttributeError):
        installed, pair = {}, (None, None)
    if pair != (metadata.get("from_code"), metadata.get("to_code")):
        raise PackageInstallError(
            f"{archive}: its folder {target.name} holds another installed package "
            f"({pair[0]}->{pair[1]}); it is not replaced by a {metadata.get('from_code')}->{metadata.get('to_code')} package"
        )
    older = _older(str(metadata.get("package_version", "")), str(installed.get("package_version", "")))
    if older:
        raise PackageInstallError(
            f"{archive}: version {metadata.get('package_version')} is older than the installed "
            f"{installed.get('package_version')}; remove {target} first to go back to it"
        )


def _older(new: str, installed: str) -> bool:
    """Whether version ``new`` is older than ``installed`` (unknown forms are not compared)."""
    from packaging.version import InvalidVersion, Version

    try:
        return Version(new) < Version(installed)
    except InvalidVersion:
        return False


def _extract_folder(zf: zipfile.ZipFile, folder: str, destination: Path) -> None:
    """Extract the members under ``folder/`` into ``destination``, each held to the size its
    header declares (a member that inflates further is refused), as plain files only."""
    ignored = 0
    for info in zf.infolist():
        if not info.filename.startswith(f"{folder}/"):
            ignored += 1
            continue
        path = destination.joinpath(*Path(info.filename).parts)
        if info.is_dir():
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        with zf.open(info) as source, path.open("wb") as sink:
            for block in iter(lambda: source.read(1 << 20), b""):
                written += len(block)
                if written > info.file_size:
                    raise PackageInstallError(f"{zf.filename}: {info.filename} inflates beyond its declared size")
                sink.write(block)
    if ignored:
        log.warning("%s: ignored %d entries outside the package's folder %s/", zf.filename, ignored, folder)


def install_from_index(
    packages_dir: Path | None, from_code: str, to_code: str, *, index_url: str | None = None
) -> InstalledPackage:
    """Download the pair's package from the Argos index and install it (needs network)."""
    package_module = argos_package_module(packages_dir, create=True)
    import argostranslate.settings as argos_settings

    url = index_url or argos_settings.remote_package_index
    try:
        index = json.loads(_download(url))
    except RecursionError:
        raise PackageInstallError(f"the Argos package index at {url} is nested too deeply to read") from None
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
                _download_to(link, archive)
                break
            except OSError as exc:
                errors.append(f"{link}: {exc}")
        else:
            raise PackageInstallError("download failed: " + "; ".join(errors or ["no download links"]))
        return install_from_file(packages_dir, archive)


def _download(url: str, limit: int = MAX_INDEX_BYTES) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "briefing"})
    with urllib.request.urlopen(request, timeout=NETWORK_TIMEOUT_S) as response:
        data: bytes = response.read(limit + 1)
    if len(data) > limit:
        raise OSError(f"larger than {limit // 1_000_000} MB")
    return data


def _download_to(url: str, path: Path, limit: int = MAX_PACKAGE_BYTES) -> None:
    """Stream ``url`` into ``path``, at most ``limit`` bytes (a package can be gigabytes)."""
    request = urllib.request.Request(url, headers={"User-Agent": "briefing"})
    written = 0
    with urllib.request.urlopen(request, timeout=NETWORK_TIMEOUT_S) as response, path.open("wb") as sink:
        for block in iter(lambda: response.read(1 << 20), b""):
            written += len(block)
            if written > limit:
                raise OSError(f"larger than {limit // 1_000_000} MB")
            sink.write(block)


def _checked_package(archive: Path) -> tuple[str, dict[str, Any]]:
    """The archive's one package folder and its metadata, once its layout, its metadata and
    the inflated sizes of its members (as their headers declare them) are checked."""
    if not archive.is_file():
        raise PackageInstallError(f"{archive}: no such file")
    if not zipfile.is_zipfile(archive):
        raise PackageInstallError(f"{archive}: not an Argos package (must be a zip archive)")
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_PACKAGE_MEMBERS:
                raise PackageInstallError(f"{archive}: more than {MAX_PACKAGE_MEMBERS} files; not a translation package")
            names = [info.filename for info in infos]
            metadata_infos = [i for i in infos if i.filename.count("/") == 1 and i.filename.endswith("/metadata.json")]
            if len(metadata_infos) != 1:
                raise PackageInstallError(f"{archive}: expected one top-level folder with a metadata.json")
            for name in names:
                if name.startswith("/") or ".." in Path(name).parts or "\\" in name:
                    raise PackageInstallError(f"{archive}: unsafe path in archive: {name}")
            folder = metadata_infos[0].filename.split("/")[0]
            if folder.startswith("."):
                raise PackageInstallError(f"{archive}: the package folder {folder!r} is hidden")
            total = sum(i.file_size for i in infos if i.filename.startswith(f"{folder}/"))
            if total > MAX_PACKAGE_BYTES:
                raise PackageInstallError(
                    f"{archive}: inflates to {total / 1e9:.1f} GB, more than {MAX_PACKAGE_BYTES / 1e9:g} GB"
                )
            if metadata_infos[0].file_size > MAX_METADATA_BYTES:
                raise PackageInstallError(f"{archive}: metadata.json is larger than {MAX_METADATA_BYTES} bytes")
            with zf.open(metadata_infos[0]) as handle:
                raw = handle.read(MAX_METADATA_BYTES + 1)
            if len(raw) > MAX_METADATA_BYTES:
                raise PackageInstallError(f"{archive}: metadata.json inflates beyond its declared size")
            try:
                metadata = json.loads(raw)
            except (ValueError, RecursionError) as exc:
                raise PackageInstallError(f"{archive}: metadata.json is not valid JSON") from exc
            if not isinstance(metadata, dict):
                raise PackageInstallError(f"{archive}: metadata.json is not a JSON object")
            if metadata.get("type", "translate") != "translate":
                raise PackageInstallError(f"{archive}: not a translate package (type {metadata.get('type')!r})")
            for key in ("from_code", "to_code"):
                if not metadata.get(key):
                    raise PackageInstallError(f"{archive}: metadata.json lacks {key}")
            if not any(n.startswith(f"{folder}/model/") for n in names):
                raise PackageInstallError(f"{archive}: no model/ folder (CTranslate2 model) in the package")
    except (zipfile.BadZipFile, OSError) as exc:
        raise PackageInstallError(f"{archive}: unreadable zip archive ({exc})") from exc
    return folder, metadata


def _describe(pkg: Any) -> InstalledPackage:
    return InstalledPackage(
        name=Path(pkg.package_path).name,
        version=str(pkg.package_version),
        from_code=str(pkg.from_code),
        to_code=str(pkg.to_code),
        path=Path(pkg.package_path),
    )
