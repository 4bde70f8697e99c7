"""The longest input and output a CTranslate2 model takes, read from the model itself.

A Transformer has a fixed number of positions when its position encodings are a stored
table (learned, or written out by the converter); asked past it, CTranslate2 fails the
whole batch ("No position encodings are defined for positions >= 256"). So the limits
are taken, in order, from:

1. the model's own metadata, when it gives them (``max_input_tokens``,
   ``max_output_tokens`` in a folder model's ``model.toml``);
2. the size of the position tables in ``model.bin`` (its header is read, the weights
   skipped), less the special tokens the model's ``config.json`` adds;
3. a probe: the largest input, and the longest output, the model accepts, found by
   bisection with one-step decodes (a few tenths of a second, once per model and process).

The engine then cuts inputs to ``max_input`` tokens (and marks them truncated) and asks
for at most ``max_output`` output tokens, so no batch fails for length.
"""

from __future__ import annotations

import json
import logging
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

__all__ = ["PROBE_CEILING", "ModelLimits", "model_limits", "position_tables"]

log = logging.getLogger(__name__)

# Largest length probed. CTranslate2 cuts inputs at 1,024 tokens by default; no sentence
# worth translating is longer, and a model without a fixed table takes this much.
PROBE_CEILING = 1024
_TABLES = {
    "encoder": "encoder/position_encodings/encodings",
    "decoder": "decoder/position_encodings/encodings",
}


@dataclass(frozen=True, slots=True)
class ModelLimits:
    max_input: int
    """Source tokens the encoder takes (special tokens it adds already subtracted)."""
    max_output: int
    """Target tokens the decoder can produce, its prefix included."""
    source: str
    """Where they were read: "metadata", "model.bin" or "probe"."""


def model_limits(model_dir: Path, translator: Callable[[], Any], declared: dict[str, int] | None = None) -> ModelLimits:
    """The limits of the CTranslate2 model in ``model_dir`` (``translator()`` loads it for a probe)."""
    declared = declared or {}
    if "max_input_tokens" in declared and "max_output_tokens" in declared:
        return ModelLimits(declared["max_input_tokens"], declared["max_output_tokens"], "metadata")
    tables = position_tables(model_dir / "model.bin")
    if tables.get("encoder") and tables.get("decoder"):
        config = _config(model_dir)
        specials = int(bool(config.get("add_source_bos"))) + int(bool(config.get("add_source_eos")))
        # The decoder embeds its start token and each token but the last it predicts:
        # a table of T positions produces T tokens (checked on the test model: 256 of 256).
        return ModelLimits(tables["encoder"] - specials, tables["decoder"], "model.bin")
    loaded = translator()
    longest_prefix = _largest(lambda n: _accepts(loaded, 1, n))
    return ModelLimits(_largest(lambda n: _accepts(loaded, n, 0)), longest_prefix + 1, "probe")


def position_tables(model_bin: Path) -> dict[str, int]:
    """Rows of the encoder's and decoder's stored position tables ({} where there is none).

    Reads the variable headers of CTranslate2's binary format (version, name, revision,
    then each variable's name, shape, type and byte size, then aliases), seeking past the
    weights. A file it cannot read gives {}: the probe then decides.
    """
    found: dict[str, int] = {}
    try:
        with model_bin.open("rb") as handle:
            _unpack(handle, "I")  # format version
            _string(handle)  # spec name
            _unpack(handle, "I")  # revision
            shapes: dict[str, list[int]] = {}
            for _ in range(_unpack(handle, "I")):
                name = _string(handle)
                shape = [_unpack(handle, "I") for _ in range(_unpack(handle, "B"))]
                _unpack(handle, "B")  # type
                handle.seek(_unpack(handle, "I"), 1)
                if name.endswith("position_encodings/encodings"):
                    shapes[name] = shape
            for _ in range(_unpack(handle, "I")):  # aliases: the encoder may share the decoder's table
                alias, target = _string(handle), _string(handle)
                if target in shapes:
                    shapes[alias] = shapes[target]
    except (OSError, struct.error, UnicodeDecodeError, ValueError) as exc:
        log.info("could not read the position tables of %s (%s); probing instead", model_bin, exc)
        return {}
    for side, name in _TABLES.items():
        if shapes.get(name):
            found[side] = shapes[name][0]
    return found


def _unpack(handle: BinaryIO, fmt: str) -> int:
    size = struct.calcsize(fmt)
    data = handle.read(size)
    if len(data) != size:
        raise ValueError("truncated model.bin")
    value: int = struct.unpack(fmt, data)[0]
    return value


def _string(handle: BinaryIO) -> str:
    length = _unpack(handle, "H")
    return handle.read(length)[:-1].decode("utf-8")


def _config(model_dir: Path) -> dict[str, Any]:
    try:
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return config if isinstance(config, dict) else {}


def _accepts(translator: Any, source_tokens: int, prefix_tokens: int) -> bool:
    """Whether one step of decoding works with this many source and target-prefix tokens."""
    try:
        translator.translate_batch(
            [["▁"] * source_tokens],
            target_prefix=[["▁"] * prefix_tokens] if prefix_tokens else None,
            max_decoding_length=prefix_tokens + 1,
            beam_size=1,
            max_input_length=0,  # no cut: the probe is the point
        )
    except (RuntimeError, ValueError):
        return False
    return True


def _largest(works: Callable[[int], bool]) -> int:
    """The largest n in 1..PROBE_CEILING for which ``works(n)`` (works is monotone)."""
    if works(PROBE_CEILING):
        return PROBE_CEILING
    low, high = 1, PROBE_CEILING  # works(low) assumed; not works(high)
    while high - low > 1:
        middle = (low + high) // 2
        if works(middle):
            low = middle
        else:
            high = middle
    return low
