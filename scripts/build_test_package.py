"""Build the small but real models the tests translate with.

    python scripts/build_test_package.py [--phrasebook tests/data/phrasebook.tsv]
                                         [--out tests/data/translate-ar_en-test.argosmodel]
    python scripts/build_test_package.py --folder [--out tests/data/ar_en-test-folder]

The default is an ordinary ``.argosmodel``: a zip of one folder holding
``metadata.json``, ``sentencepiece.model`` and ``model/`` (a CTranslate2
Transformer with one vocabulary for both sides), which Argos's own installer
installs like any package from the Argos index. ``--folder`` makes a folder model
the way OPUS-MT ships after conversion: ``model/`` with separate source and target
vocabularies, ``source.spm`` and ``target.spm`` (two SentencePiece models, one per
language) and ``model.toml`` (name, version, languages, licence), for
``briefing models install DIR``. Both models are tiny (d_model 64, 4 heads, 2+2
layers) and trained only to reproduce the phrasebook, so they translate exactly
those ~40 sentences and nothing else well.

Rebuilding needs torch (the ``dev`` extra, ``torch==2.13.0`` CPU); the tests
only need the committed ``.argosmodel``. The build is seeded and checks, with
CTranslate2 and Argos's own decoding settings, that every phrasebook sentence
comes back exactly before it writes anything.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import ctranslate2
import numpy as np
import sentencepiece as spm
import torch
from ctranslate2.specs import common_spec, transformer_spec
from torch import nn

REPO = Path(__file__).resolve().parent.parent
PACKAGE_DIR_NAME = "translate-ar_en-test"
FOLDER_MODEL_NAME = "ar_en-test-folder"

# Architecture: the smallest that memorises the phrasebook in well under a minute on 2 cores.
D_MODEL = 64
HEADS = 4
FFN = 256
LAYERS = 2
MAX_POSITIONS = 256
# SentencePiece vocabulary: big enough that frequent Arabic words are single pieces,
# small enough that the embeddings stay a few hundred KB.
VOCAB_SIZE = 700
# Each side alone has about half the pieces (Arabic, or English and placeholders).
FOLDER_VOCAB_SIZE = 400
# Training. 15 % of decoder inputs are replaced at random: a purely memorising model
# otherwise prefers wrong short hypotheses under beam 4 with length penalty 0.2.
DECODER_INPUT_NOISE = 0.15
LEARNING_RATE = 2e-3
MAX_STEPS = 8000
BATCH_SIZE = 8
CHECK_EVERY = 250
# Stop only after this many checks in a row find every sentence right, so the
# model is not on the edge of a wrong beam (which would make tests flaky).
CLEAN_CHECKS_REQUIRED = 3
SEED = 20261122

# Argos's decoding settings (argostranslate.translate.apply_packaged_translation).
BEAM_SIZE = 4
LENGTH_PENALTY = 0.2


def read_phrasebook(path: Path) -> list[tuple[str, str]]:
    """Every training pair: each row as written, and in the placeholder form the engine sends."""
    sys.path.insert(0, str(REPO))
    from briefing.translate.protect import load_glossary, protect

    glossary = load_glossary()
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        source, target, *given = line.split("\t")
        pairs.append((source, target))
        protected = protect(source, glossary)
        if protected.text == source:
            continue
        if given:
            prepared_target = given[0]
        else:
            prepared_target = target
            for placeholder, english in sorted(protected.slots, key=lambda slot: -len(slot[1])):
                if english not in prepared_target:
                    raise SystemExit(f"{path}:{number}: {english!r} is not in the English; give a third column")
                prepared_target = prepared_target.replace(english, placeholder)
        pairs.append((protected.text, prepared_target))
    return list(dict.fromkeys(pairs))  # the one-term rows all become "ZQA" -> "ZQA"


def train_sentencepiece(
    texts: list[str], workdir: Path, name: str = "sentencepiece", vocab_size: int = VOCAB_SIZE
) -> spm.SentencePieceProcessor:
    corpus = workdir / f"{name}-corpus.txt"
    corpus.write_text("\n".join(texts) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(workdir / name),
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        model_type="unigram",
        character_coverage=1.0,
        split_digits=True,
        byte_fallback=True,
        pad_id=3,
        pad_piece="<blank>",
        num_threads=1,
        minloglevel=2,
    )
    return spm.SentencePieceProcessor(model_file=str(workdir / f"{name}.model"))


def sinusoid_table(length: int, dim: int) -> torch.Tensor:
    position = torch.arange(length, dtype=torch.float32).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * -(math.log(10000.0) / dim))
    table = torch.zeros(length, dim)
    table[:, 0::2] = torch.sin(position * div_term)
    table[:, 1::2] = torch.cos(position * div_term)
    return table


class Attention(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.query = nn.Linear(D_MODEL, D_MODEL)
        self.key = nn.Linear(D_MODEL, D_MODEL)
        self.value = nn.Linear(D_MODEL, D_MODEL)
        self.out = nn.Linear(D_MODEL, D_MODEL)

    def forward(self, x: torch.Tensor, memory: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        batch, length, _ = x.shape
        head_dim = D_MODEL // HEADS

        def heads(t: torch.Tensor) -> torch.Tensor:
            return t.view(batch, -1, HEADS, head_dim).transpose(1, 2)

        q = heads(self.query(x)) / math.sqrt(head_dim)
        k, v = heads(self.key(memory)), heads(self.value(memory))
        scores = (q @ k.transpose(-1, -2)).masked_fill(~mask, float("-inf"))
        context = torch.softmax(scores, dim=-1) @ v
        return self.out(context.transpose(1, 2).reshape(batch, length, D_MODEL))


class FeedForward(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(D_MODEL, eps=1e-6)
        self.inner = nn.Linear(D_MODEL, FFN)
        self.outer = nn.Linear(FFN, D_MODEL)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.outer(torch.relu(self.inner(self.norm(x))))


class EncoderLayer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(D_MODEL, eps=1e-6)
        self.attention = Attention()
        self.ffn = FeedForward()

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        h = self.norm(x)
        return self.ffn(x + self.attention(h, h, mask))


class DecoderLayer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.self_norm = nn.LayerNorm(D_MODEL, eps=1e-6)
        self.self_attention = Attention()
        self.context_norm = nn.LayerNorm(D_MODEL, eps=1e-6)
        self.context_attention = Attention()
        self.ffn = FeedForward()

    def forward(
        self, x: torch.Tensor, memory: torch.Tensor, self_mask: torch.Tensor, memory_mask: torch.Tensor
    ) -> torch.Tensor:
        h = self.self_norm(x)
        x = x + self.self_attention(h, h, self_mask)
        x = x + self.context_attention(self.context_norm(x), memory, memory_mask)
        return self.ffn(x)


class PreNormTransformer(nn.Module):
    """The layout CTranslate2's TransformerSpec expects (OpenNMT-py style, pre-norm)."""

    def __init__(self, source_vocab_size: int, target_vocab_size: int) -> None:
        super().__init__()
        self.source_embeddings = nn.Embedding(source_vocab_size, D_MODEL)
        self.target_embeddings = nn.Embedding(target_vocab_size, D_MODEL)
        for embeddings in (self.source_embeddings, self.target_embeddings):
            nn.init.normal_(embeddings.weight, std=D_MODEL**-0.5)
        self.register_buffer("positions", sinusoid_table(MAX_POSITIONS, D_MODEL))
        self.encoder = nn.ModuleList(EncoderLayer() for _ in range(LAYERS))
        self.encoder_norm = nn.LayerNorm(D_MODEL, eps=1e-6)
        self.decoder = nn.ModuleList(DecoderLayer() for _ in range(LAYERS))
        self.decoder_norm = nn.LayerNorm(D_MODEL, eps=1e-6)
        self.generator = nn.Linear(D_MODEL, target_vocab_size)

    def embed(self, table: nn.Embedding, ids: torch.Tensor) -> torch.Tensor:
        return table(ids) * math.sqrt(D_MODEL) + self.positions[: ids.shape[1]]

    def forward(self, source: torch.Tensor, target_in: torch.Tensor, pad_id: int) -> torch.Tensor:
        source_mask = (source != pad_id)[:, None, None, :]
        x = self.embed(self.source_embeddings, source)
        for layer in self.encoder:
            x = layer(x, source_mask)
        memory = self.encoder_norm(x)
        length = target_in.shape[1]
        causal = torch.tril(torch.ones(length, length, dtype=torch.bool))[None, None]
        y = self.embed(self.target_embeddings, target_in)
        for layer in self.decoder:
            y = layer(y, memory, causal, source_mask)
        return self.generator(self.decoder_norm(y))


def batch_tensors(
    pairs: list[tuple[str, str]], source_sp: spm.SentencePieceProcessor, target_sp: spm.SentencePieceProcessor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    # Both SentencePiece models are trained with the same special ids (pad 3, bos 1, eos 2).
    pad, bos, eos = target_sp.pad_id(), target_sp.bos_id(), target_sp.eos_id()
    sources = [source_sp.encode(s) for s, _ in pairs]
    targets = [target_sp.encode(t) for _, t in pairs]
    longest_source = max(map(len, sources))
    longest_target = max(map(len, targets)) + 1
    if max(longest_source, longest_target) > MAX_POSITIONS:
        raise SystemExit("a phrasebook sentence is longer than MAX_POSITIONS pieces")

    def padded(rows: list[list[int]], length: int) -> torch.Tensor:
        return torch.tensor([row + [pad] * (length - len(row)) for row in rows])

    return (
        padded(sources, longest_source),
        padded([[bos] + t for t in targets], longest_target),
        padded([t + [eos] for t in targets], longest_target),
    )


def to_ctranslate2(
    model: PreNormTransformer, source_sp: spm.SentencePieceProcessor, target_sp: spm.SentencePieceProcessor, out_dir: Path
) -> None:
    def array(t: torch.Tensor) -> np.ndarray:
        # Copies: spec.optimize() works in place on what it is given.
        return t.detach().cpu().numpy().astype(np.float32).copy()

    def linear(spec: common_spec.LinearSpec, layer: nn.Linear) -> None:
        spec.weight, spec.bias = array(layer.weight), array(layer.bias)

    def fused(spec: common_spec.LinearSpec, layers: list[nn.Linear]) -> None:
        spec.weight = np.concatenate([array(l.weight) for l in layers])
        spec.bias = np.concatenate([array(l.bias) for l in layers])

    def norm(spec: common_spec.LayerNormSpec, layer: nn.LayerNorm) -> None:
        spec.gamma, spec.beta = array(layer.weight), array(layer.bias)

    def attention(spec, module: Attention, self_attention: bool) -> None:  # type: ignore[no-untyped-def]
        if self_attention:
            fused(spec.linear[0], [module.query, module.key, module.value])
        else:
            linear(spec.linear[0], module.query)
            fused(spec.linear[1], [module.key, module.value])
        linear(spec.linear[-1], module.out)

    def ffn(spec, module: FeedForward) -> None:  # type: ignore[no-untyped-def]
        norm(spec.layer_norm, module.norm)
        linear(spec.linear_0, module.inner)
        linear(spec.linear_1, module.outer)

    spec = transformer_spec.TransformerSpec.from_config((LAYERS, LAYERS), HEADS)
    spec.config.layer_norm_epsilon = 1e-6
    encoder, decoder = spec.encoder, spec.decoder
    encoder.embeddings[0].weight = array(model.source_embeddings.weight)
    encoder.position_encodings.encodings = array(model.positions)
    norm(encoder.layer_norm, model.encoder_norm)
    for layer_spec, layer in zip(encoder.layer, model.encoder):
        attention(layer_spec.self_attention, layer.attention, True)
        norm(layer_spec.self_attention.layer_norm, layer.norm)
        ffn(layer_spec.ffn, layer.ffn)
    decoder.embeddings.weight = array(model.target_embeddings.weight)
    decoder.position_encodings.encodings = array(model.positions)
    norm(decoder.layer_norm, model.decoder_norm)
    for layer_spec, layer in zip(decoder.layer, model.decoder):
        attention(layer_spec.self_attention, layer.self_attention, True)
        norm(layer_spec.self_attention.layer_norm, layer.self_norm)
        attention(layer_spec.attention, layer.context_attention, False)
        norm(layer_spec.attention.layer_norm, layer.context_norm)
        ffn(layer_spec.ffn, layer.ffn)
    linear(decoder.projection, model.generator)
    spec.register_source_vocabulary([source_sp.id_to_piece(i) for i in range(source_sp.get_piece_size())])
    spec.register_target_vocabulary([target_sp.id_to_piece(i) for i in range(target_sp.get_piece_size())])
    spec.validate()
    spec.optimize(quantization="int8")
    out_dir.mkdir(parents=True)
    spec.save(str(out_dir))


def ctranslate2_mismatches(
    model_dir: Path,
    source_sp: spm.SentencePieceProcessor,
    target_sp: spm.SentencePieceProcessor,
    pairs: list[tuple[str, str]],
    compute_type: str,
) -> list[tuple[str, str, str]]:
    """Translate every phrasebook source the way Argos does; return the wrong ones."""
    translator = ctranslate2.Translator(str(model_dir), device="cpu", compute_type=compute_type)
    options = {
        "beam_size": BEAM_SIZE,
        "length_penalty": LENGTH_PENALTY,
        "replace_unknowns": True,
        "max_batch_size": 32,
        "batch_type": "tokens",
    }
    tokenized = [source_sp.encode(s, out_type=str) for s, _ in pairs]
    # Both ways the app and Argos call it: all sentences in one batch, and one at a time.
    batched = translator.translate_batch(tokenized, **options)
    one_by_one = [translator.translate_batch([tokens], **options)[0] for tokens in tokenized]
    wrong = []
    for (source, expected), result in zip(pairs + pairs, batched + one_by_one):
        got = target_sp.decode_pieces(result.hypotheses[0]).replace("▁", " ").replace("_", " ").lstrip(" ")
        if got != expected:
            wrong.append((source, expected, got))
    return wrong


def write_package(workdir: Path, model_dir: Path, out: Path) -> None:
    package = workdir / PACKAGE_DIR_NAME
    package.mkdir()
    shutil.copytree(model_dir, package / "model")
    shutil.copy(workdir / "sentencepiece.model", package / "sentencepiece.model")
    metadata = {
        "package_version": "1.0",
        "argos_version": "1.0",
        "type": "translate",
        "from_code": "ar",
        "from_name": "Arabic",
        "to_code": "en",
        "to_name": "English",
        "description": "Test package for briefing: a tiny model that knows only tests/data/phrasebook.tsv",
    }
    (package / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    (package / "README.md").write_text(
        "Built by scripts/build_test_package.py from tests/data/phrasebook.tsv.\n"
        "It translates the phrasebook's Arabic sentences and nothing else well.\n",
        encoding="utf-8",
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(package.rglob("*")):
            # Fixed timestamps keep rebuilds byte-identical when the weights are.
            info = zipfile.ZipInfo(str(path.relative_to(workdir)), date_time=(2026, 1, 1, 0, 0, 0))
            if path.is_dir():
                continue
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    out.write_bytes(buffer.getvalue())


def write_folder_model(workdir: Path, model_dir: Path, out: Path) -> None:
    """The folder ``briefing models install DIR`` takes: the model, two SentencePiece models, model.toml."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(model_dir, out / "model")
    shutil.copy(workdir / "source.model", out / "source.spm")
    shutil.copy(workdir / "target.model", out / "target.spm")
    (out / "model.toml").write_text(
        f'name = "{FOLDER_MODEL_NAME}"\n'
        'version = "1.0"\n'
        'from = "ar"\n'
        'to = "en"\n'
        'licence = "CC0-1.0"\n'
        'description = "Test model for briefing, with separate source and target SentencePiece models, '
        'trained on tests/data/phrasebook.tsv only"\n'
        'source_spm = "source.spm"\n'
        'target_spm = "target.spm"\n',
        encoding="utf-8",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phrasebook", type=Path, default=REPO / "tests/data/phrasebook.tsv")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--folder", action="store_true", help="a folder model with separate SentencePiece models")
    args = parser.parse_args()
    if args.out is None:
        args.out = REPO / "tests/data" / (FOLDER_MODEL_NAME if args.folder else "translate-ar_en-test.argosmodel")

    random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    # Denormal floats made training steps about 100x slower on this CPU.
    torch.set_flush_denormal(True)
    started = time.monotonic()
    pairs = read_phrasebook(args.phrasebook)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if args.folder:  # one SentencePiece model per language, as OPUS-MT has
            source_sp = train_sentencepiece([s for s, _ in pairs], workdir, "source", FOLDER_VOCAB_SIZE)
            target_sp = train_sentencepiece([t for _, t in pairs], workdir, "target", FOLDER_VOCAB_SIZE)
        else:
            source_sp = target_sp = train_sentencepiece([s for pair in pairs for s in pair], workdir)
        # Batches of similar length: the seeds' lead sentences are ten times longer than
        # the short phrases, and padding everything to the longest wasted most of each step.
        by_length = sorted(pairs, key=lambda pair: len(target_sp.encode(pair[1])))
        batches = [
            batch_tensors(by_length[i : i + BATCH_SIZE], source_sp, target_sp) for i in range(0, len(pairs), BATCH_SIZE)
        ]
        model = PreNormTransformer(source_sp.get_piece_size(), target_sp.get_piece_size())
        optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=(0.9, 0.98))
        loss_fn = nn.CrossEntropyLoss(ignore_index=target_sp.pad_id())
        special = torch.tensor([target_sp.pad_id(), target_sp.bos_id()])
        model_dir = workdir / "ct2"
        clean_checks = 0
        # Linear decay to a tenth: the loss kept jumping at a constant rate once near zero.
        schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: max(0.1, 1 - step / MAX_STEPS))
        for step in range(1, MAX_STEPS + 1):
            model.train()
            source, target_in, target_out = batches[step % len(batches)]
            noisy = target_in.clone()
            replace = (torch.rand(noisy.shape) < DECODER_INPUT_NOISE) & ~torch.isin(noisy, special)
            noisy[replace] = torch.randint(4, target_sp.get_piece_size(), (int(replace.sum()),))
            logits = model(source, noisy, source_sp.pad_id())
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]), target_out.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            if step % CHECK_EVERY == 0:
                model.eval()
                if model_dir.exists():
                    shutil.rmtree(model_dir)
                with torch.no_grad():
                    to_ctranslate2(model, source_sp, target_sp, model_dir)
                wrong = ctranslate2_mismatches(model_dir, source_sp, target_sp, pairs, "int8") + ctranslate2_mismatches(
                    model_dir, source_sp, target_sp, pairs, "float32"
                )
                print(f"step {step}: loss {loss.item():.4f}, {len(wrong)} phrasebook results wrong", flush=True)
                for source_text, expected, got in wrong[:4]:
                    print(f"    expected: {expected}\n    got:      {got}", flush=True)
                clean_checks = 0 if wrong else clean_checks + 1
                if clean_checks == CLEAN_CHECKS_REQUIRED:
                    break
        else:
            for source_text, expected, got in wrong:
                print(f"  {source_text}\n    expected: {expected}\n    got:      {got}")
            raise SystemExit("the model did not learn the phrasebook; nothing written")
        if args.folder:
            write_folder_model(workdir, model_dir, args.out)
        else:
            write_package(workdir, model_dir, args.out)
    size_kb = sum(p.stat().st_size for p in [args.out, *args.out.rglob("*")] if p.is_file()) / 1024
    print(f"wrote {args.out} ({size_kb:.0f} KB) in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
