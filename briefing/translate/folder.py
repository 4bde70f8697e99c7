"""Folder models: any CTranslate2 translation model with its SentencePiece models.

This is how a better model than Argos's is plugged in (OPUS-MT, NLLB, Bergamot's
students, once converted to CTranslate2). A folder model is a folder holding:

- ``model/``: the CTranslate2 model (``model.bin``, ``config.json``, its vocabularies);
- its SentencePiece models: one shared (``sentencepiece = "spm.model"``), or one per
  side (``source_spm = "source.spm"``, ``target_spm = "target.spm"``, as OPUS-MT ships);
- ``model.toml``, which we define::

      name = "opus-mt-ar-en"        # letters, digits, . _ -; how translate.model names it
      version = "2024-05-30"
      from = "ar"
      to = "en"
      licence = "CC-BY-4.0"         # shown by `briefing models list`
      description = "..."           # optional
      source_spm = "source.spm"     # or: sentencepiece = "sentencepiece.model"
      target_spm = "target.spm"
      source_prefix = ""            # optional: a token put before every source (">>eng<<")
      source_eos = false            # optional: end every source with "</s>" (true for OPUS-MT)
      target_prefix = ""            # optional: a token the output starts with
      max_input_tokens = 512        # optional, with max_output_tokens: the model's limits

``briefing models install DIR`` checks it (the fields, the files, every size), copies it
into the models folder under its name (a hidden copy first, renamed into place when
complete) and never over a model of another language pair.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.config import toml_document
from briefing.errors import PackageInstallError
from briefing.translate.ctranslate import CTranslate2Model

__all__ = ["MODEL_FILE", "FolderModel", "FolderModelInfo", "install_folder_model", "installed_folder_models"]

log = logging.getLogger(__name__)

MODEL_FILE = "model.toml"
# Bounds on what is copied: as for Argos packages (translate/packages.py).
MAX_MODEL_BYTES = 8_000_000_000
MAX_MODEL_FILES = 10_000
MAX_MODEL_TOML_BYTES = 100_000
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_COPYING_PREFIX = ".installing-"


@dataclass(frozen=True, slots=True)
class FolderModelInfo:
    """What ``model.toml`` says, checked."""

    name: str
    version: str
    from_code: str
    to_code: str
    licence: str
    path: Path
    source_spm: str
    target_spm: str
    description: str = ""
    source_prefix: str = ""
    source_eos: bool = False
    target_prefix: str = ""
    limits: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


def read_model_info(folder: Path) -> FolderModelInfo:
    """The checked ``model.toml`` of ``folder``; PackageInstallError saying what is wrong."""
    path = folder / MODEL_FILE
    if not path.is_file():
        raise PackageInstallError(f"{folder}: no {MODEL_FILE} (name, version, from, to, licence, SentencePiece files)")
    if path.stat().st_size > MAX_MODEL_TOML_BYTES:
        raise PackageInstallError(f"{path}: larger than {MAX_MODEL_TOML_BYTES} bytes")
    try:
        table = toml_document(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise PackageInstallError(f"{path}: {exc}") from exc

    def text(key: str, required: bool = True) -> str:
        value = table.get(key, "")
        if not isinstance(value, str) or (required and not value.strip()):
            raise PackageInstallError(f"{path}: {key} must be {'a non-empty ' if required else 'a '}string")
        return value.strip()

    name = text("name")
    if not _NAME.fullmatch(name):
        raise PackageInstallError(f"{path}: name {name!r}: letters, digits, '.', '_' and '-' only")
    shared = text("sentencepiece", required=False)
    source_spm = text("source_spm", required=False) or shared
    target_spm = text("target_spm", required=False) or shared
    if not (source_spm and target_spm):
        raise PackageInstallError(f"{path}: give sentencepiece, or source_spm and target_spm")
    for spm in {source_spm, target_spm}:
        if "/" in spm or "\\" in spm or spm.startswith(".") or not (folder / spm).is_file():
            raise PackageInstallError(f"{path}: SentencePiece model {spm!r} is not a file of the folder")
    if not (folder / "model" / "model.bin").is_file():
        raise PackageInstallError(f"{folder}: no model/model.bin (a CTranslate2 model)")
    limits: dict[str, int] = {k: table[k] for k in ("max_input_tokens", "max_output_tokens") if k in table}
    source_eos = table.get("source_eos", False)
    if not isinstance(source_eos, bool):
        raise PackageInstallError(f"{path}: source_eos must be true or false")
    if any(isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 100_000 for v in limits.values()):
        raise PackageInstallError(f"{path}: max_input_tokens and max_output_tokens are whole numbers, 1 to 100000")
    return FolderModelInfo(
        name=name, version=text("version"), from_code=text("from"), to_code=text("to"), licence=text("licence"),
        path=folder, source_spm=source_spm, target_spm=target_spm, description=text("description", required=False),
        source_prefix=text("source_prefix", required=False), source_eos=source_eos,
        target_prefix=text("target_prefix", required=False), limits=limits,
    )


def installed_folder_models(models_dir: Path) -> list[FolderModelInfo]:
    """Every valid folder model in ``models_dir`` (others are skipped, with a warning)."""
    found: list[FolderModelInfo] = []
    if not models_dir.is_dir():
        return found
    for folder in sorted(models_dir.iterdir()):
        if not folder.is_dir() or folder.name.startswith("."):
            continue
        try:
            found.append(read_model_info(folder))
        except PackageInstallError as exc:
            log.warning("ignored %s: %s", folder, exc)
    return found


def install_folder_model(models_dir: Path, source: Path) -> FolderModelInfo:
    """Copy the folder model at ``source`` into ``models_dir/NAME``, checked, whole or not at all."""
    if not source.is_dir():
        raise PackageInstallError(f"{source}: not a folder")
    info = read_model_info(source)
    entries = list(source.rglob("*"))
    if len(entries) > MAX_MODEL_FILES:
        raise PackageInstallError(f"{source}: more than {MAX_MODEL_FILES} files; not a translation model")
    for path in entries:
        # Regular files and folders only: a link could point anywhere, and a device or a
        # pipe (a copy of /dev/zero) would be read without end.
        mode = path.lstat().st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file (a device, a pipe)"
            raise PackageInstallError(f"{source}: {path.relative_to(source)} is {kind}; copy the real file in")
    total = sum(p.lstat().st_size for p in entries if stat.S_ISREG(p.lstat().st_mode))
    if total > MAX_MODEL_BYTES:
        raise PackageInstallError(f"{source}: {total / 1e9:.1f} GB, more than {MAX_MODEL_BYTES / 1e9:g} GB")
    target = models_dir / info.name
    if target.exists():
        try:
            existing = read_model_info(target)
        except PackageInstallError:
            existing = None
        if existing is None or (existing.from_code, existing.to_code) != (info.from_code, info.to_code):
            raise PackageInstallError(f"{source}: {target} holds another model; it is not replaced")
        from briefing.translate.packages import _older

        if _older(info.version, existing.version):
            raise PackageInstallError(
                f"{source}: version {info.version} is older than the installed {existing.version}; remove {target} first"
            )
    models_dir.mkdir(parents=True, exist_ok=True)
    staging = models_dir / f"{_COPYING_PREFIX}{secrets.token_hex(6)}"
    try:
        _copy_bounded(source, staging / info.name, total)
        if target.exists():
            os.replace(target, staging / f"{info.name}.previous")
        os.replace(staging / info.name, target)
    except OSError as exc:
        if not target.exists() and (staging / f"{info.name}.previous").exists():
            os.replace(staging / f"{info.name}.previous", target)
        raise PackageInstallError(f"{source}: cannot install it into {models_dir}: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return read_model_info(target)


def _copy_bounded(source: Path, destination: Path, expected: int) -> None:
    """Copy the folder, each file held to the size it had when checked (a file that grows
    while it is copied is refused, not copied without end)."""
    copied = 0
    for path in sorted(source.rglob("*")):
        target = destination / path.relative_to(source)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        limit = path.stat().st_size
        with path.open("rb") as reader, target.open("wb") as writer:
            for block in iter(lambda: reader.read(1 << 20), b""):
                copied += len(block)
                limit -= len(block)
                if limit < 0 or copied > expected:
                    raise PackageInstallError(f"{path}: grew while it was being copied")
                writer.write(block)


class FolderModel(CTranslate2Model):
    """An installed folder model: CTranslate2 with its own SentencePiece models."""

    kind = "folder"

    def __init__(self, info: FolderModelInfo, *, compute_type: str = "int8", threads: int = 0) -> None:
        super().__init__(compute_type=compute_type, threads=threads)
        self.info = info
        self._source: Any = None
        self._target: Any = None

    @property
    def name(self) -> str:
        return self.info.label

    @property
    def model_dir(self) -> Path:
        return self.info.path / "model"

    @property
    def target_prefix(self) -> str:
        return self.info.target_prefix

    def declared_limits(self) -> dict[str, int]:
        return dict(self.info.limits)

    def encode(self, text: str) -> list[str]:
        tokens: list[str] = self._processors()[0].encode(text, out_type=str)
        if self.info.source_prefix:
            tokens = [self.info.source_prefix, *tokens]
        return [*tokens, "</s>"] if self.info.source_eos else tokens

    def detokenize(self, tokens: list[str]) -> str:
        if self.info.target_prefix and tokens[:1] == [self.info.target_prefix]:
            tokens = tokens[1:]
        text: str = self._processors()[1].decode(tokens)
        return text

    def fingerprint_files(self) -> list[Path]:
        files = sorted(p for p in self.model_dir.rglob("*") if p.is_file())
        spms = sorted({self.info.path / self.info.source_spm, self.info.path / self.info.target_spm})
        return [*files, *spms, self.info.path / MODEL_FILE]

    def _processors(self) -> tuple[Any, Any]:
        if self._source is None:
            import sentencepiece

            self._source = sentencepiece.SentencePieceProcessor(model_file=str(self.info.path / self.info.source_spm))
            self._target = (
                self._source
                if self.info.target_spm == self.info.source_spm
                else sentencepiece.SentencePieceProcessor(model_file=str(self.info.path / self.info.target_spm))
            )
        return self._source, self._target
