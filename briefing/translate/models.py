"""Every installed translation model, whatever its kind, and the one a run uses.

``MODEL_KINDS`` maps a kind to the function listing its installed models: Argos packages
(``packages.py``) and folder models (``folder.py``); a third kind is one module and one
line here. ``open_model`` picks the model ``translate.model`` names, or by default the
installed Argos package for the language pair (a folder model when none is installed).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from briefing.errors import ModelNotInstalledError
from briefing.translate.ctranslate import CTranslate2Model

__all__ = ["MODEL_KINDS", "InstalledModel", "installed_models", "model_at", "open_model"]


@dataclass(frozen=True, slots=True)
class InstalledModel:
    kind: str
    """"argos" or "folder"."""
    name: str
    """What ``translate.model`` calls it: the package's folder name, or ``model.toml``'s name."""
    version: str
    from_code: str
    to_code: str
    licence: str
    """As the model says it ("" when an Argos package does not)."""
    size_bytes: int
    path: Path
    opener: Callable[[str, int], CTranslate2Model]
    """(compute_type, threads) -> the loaded-on-first-use model."""

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


def _argos(packages_dir: Path | None, models_dir: Path) -> list[InstalledModel]:
    from briefing.translate.argos import ArgosModel
    from briefing.translate.packages import installed_translate_packages

    found = []
    for package in installed_translate_packages(packages_dir):
        path = Path(package.package_path)
        found.append(InstalledModel(
            kind="argos", name=path.name, version=str(package.package_version), from_code=str(package.from_code),
            to_code=str(package.to_code), licence=_argos_licence(path), size_bytes=_size(path), path=path,
            opener=partial(_open, ArgosModel, package),
        ))
    return found


def _folder(packages_dir: Path | None, models_dir: Path) -> list[InstalledModel]:
    from briefing.translate.folder import FolderModel, installed_folder_models

    return [
        InstalledModel(
            kind="folder", name=info.name, version=info.version, from_code=info.from_code, to_code=info.to_code,
            licence=info.licence, size_bytes=_size(info.path), path=info.path,
            opener=partial(_open, FolderModel, info),
        )
        for info in installed_folder_models(models_dir)
    ]


MODEL_KINDS: dict[str, Callable[[Path | None, Path], list[InstalledModel]]] = {
    "argos": _argos,
    "folder": _folder,
}


def installed_models(packages_dir: Path | None, models_dir: Path) -> list[InstalledModel]:
    """Every installed model of every kind, by language pair, then kind, then name."""
    models = [m for lister in MODEL_KINDS.values() for m in lister(packages_dir, models_dir)]
    return sorted(models, key=lambda m: (m.from_code, m.to_code, m.kind, m.name))


def open_model(
    packages_dir: Path | None,
    models_dir: Path,
    from_code: str,
    to_code: str,
    *,
    name: str = "",
    compute_type: str = "int8",
    threads: int = 0,
) -> CTranslate2Model:
    """The model named ``name`` (any kind), else the pair's Argos package, else its one folder model."""
    if not name:
        from briefing.translate.argos import ArgosModel

        try:
            return ArgosModel.for_pair(packages_dir, from_code, to_code, compute_type=compute_type, threads=threads)
        except ModelNotInstalledError:
            folders = [m for m in _folder(packages_dir, models_dir) if (m.from_code, m.to_code) == (from_code, to_code)]
            if len(folders) != 1:
                raise
            return folders[0].opener(compute_type, threads)
    models = installed_models(packages_dir, models_dir)
    chosen = [m for m in models if m.name == name]
    if not chosen:
        known = ", ".join(sorted({m.name for m in models})) or "none"
        raise ModelNotInstalledError(
            f"translate.model: no installed model is named {name!r} (installed: {known}); see `briefing models list`"
        )
    model = chosen[0]
    if (model.from_code, model.to_code) != (from_code, to_code):
        raise ModelNotInstalledError(
            f"translate.model: {name!r} translates {model.from_code}->{model.to_code}, not {from_code}->{to_code}"
        )
    return model.opener(compute_type, threads)


def model_at(kind: str, folder: Path, *, compute_type: str = "int8", threads: int = 0) -> CTranslate2Model:
    """The model of ``kind`` ("argos", "folder") in ``folder`` (``model.root``): how a
    cluster's worker opens the run's model. ModelNotInstalledError when it is not there."""
    from briefing.errors import PackageInstallError

    try:
        if kind == "argos":
            from briefing.translate.argos import ArgosModel
            from briefing.translate.packages import argos_package_module

            if not (folder / "metadata.json").is_file():
                raise ModelNotInstalledError(f"no Argos package in {folder} (no metadata.json)")
            package = argos_package_module(None).Package(folder)
            return ArgosModel(package, compute_type=compute_type, threads=threads)
        if kind == "folder":
            from briefing.translate.folder import FolderModel, read_model_info

            return FolderModel(read_model_info(folder), compute_type=compute_type, threads=threads)
    except (OSError, ValueError, PackageInstallError) as exc:
        raise ModelNotInstalledError(f"no readable {kind} model in {folder}: {exc}") from exc
    raise ModelNotInstalledError(f"unknown model kind {kind!r} (known: {', '.join(MODEL_KINDS)})")


def _open(kind: Callable[..., CTranslate2Model], description: object, compute_type: str, threads: int) -> CTranslate2Model:
    return kind(description, compute_type=compute_type, threads=threads)


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _argos_licence(folder: Path) -> str:
    try:
        metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return ""
    value = metadata.get("license") or metadata.get("licence") or "" if isinstance(metadata, dict) else ""
    return str(value)
