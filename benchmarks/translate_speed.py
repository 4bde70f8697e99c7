"""Translation speed: argostranslate one sentence per call, against our batched engine.

    python benchmarks/translate_speed.py [--package PATH] [--sentences 500] [--day ZIP] [--json] [--no-base-model]

Sentences come from real articles (SaudiNewsNet, one day). The package (default: the
test package in tests/data) is installed into a temporary folder with Argos's own
installer; nothing is written to your home. Two ways of translating the same
sentences with the same CTranslate2 model:

- per sentence: ``argostranslate.translate.apply_packaged_translation``, one call per
  sentence, the way a user of the library translates (its sentence splitter replaced by
  one that returns the sentence unchanged: its own splitters need the network);
- batched: ``ArgosModel.decode``, all sentences in one call (what the engine sends; CTranslate2 batches of equal source length).

Prints both rates, the ratio, and whether every output is identical. Then, so users
know what to expect from a real model, sentences per second for a CTranslate2
Transformer the size of a real Argos model (6+6 layers, d_model 512, 8 heads, FFN
2048, 32k vocabulary, int8) built with random weights, decoding capped at 64 tokens.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import zipfile
from pathlib import Path

from isolation import data_missing, scratch_home

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PACKAGE = REPO / "tests" / "data" / "translate-ar_en-test.argosmodel"
DEFAULT_DAY = REPO.parent / "shared" / "data" / "saudinewsnet" / "2015-07-21.zip"
# Sentences of 5 to 40 words: what key sentences look like (shorter ones are
# headings and captions, longer ones run-ons the splitter could not cut).
MIN_WORDS, MAX_WORDS = 5, 40


def real_sentences(day: Path, count: int) -> list[str]:
    from briefing.arabic import split_sentences

    with zipfile.ZipFile(day) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".json")]
        records = json.loads(archive.read(name))
    chosen: dict[str, None] = {}
    for record in records:
        for sentence in split_sentences(record.get("content") or ""):
            if MIN_WORDS <= len(sentence.split()) <= MAX_WORDS:
                chosen.setdefault(sentence)
                if len(chosen) == count:
                    return list(chosen)
    return list(chosen)


def per_sentence(package: object, sentences: list[str], compute_type: str) -> tuple[list[str], float]:
    import ctranslate2
    from argostranslate.translate import apply_packaged_translation

    class Unchanged:
        def split_sentences(self, text: str) -> list[str]:
            return [text]

    model = ctranslate2.Translator(str(package.package_path / "model"), device="cpu", compute_type=compute_type)  # type: ignore[attr-defined]
    splitter = Unchanged()
    started = time.perf_counter()
    outputs = [apply_packaged_translation(package, s, model, splitter, num_hypotheses=1)[0].value for s in sentences]
    return outputs, time.perf_counter() - started


def batched(package: object, sentences: list[str], compute_type: str) -> tuple[list[str], float]:
    from briefing.translate import ArgosModel

    model = ArgosModel(package, compute_type=compute_type)
    model.decode(sentences[:1])  # load the model outside the timing, as per_sentence does
    started = time.perf_counter()
    outputs = [d.text for d in model.decode(sentences)]
    return outputs, time.perf_counter() - started


def base_size_model_rate(sentences: list[str], package: object, workdir: Path) -> float:
    """Sentences per second for a random-weight Transformer-base, beam 4, <= 64 tokens."""
    import ctranslate2
    import numpy as np
    from ctranslate2.specs import transformer_spec

    from briefing.translate.argos import equal_length_batches

    d_model, ffn, vocab_size, layers, heads = 512, 2048, 32_000, 6, 8
    rng = np.random.default_rng(0)

    def random(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape, dtype=np.float32) * 0.02).astype(np.float32)

    spec = transformer_spec.TransformerSpec.from_config((layers, layers), heads)
    for stack in (spec.encoder, spec.decoder):
        embeddings = stack.embeddings[0] if isinstance(stack.embeddings, list) else stack.embeddings
        embeddings.weight = random(vocab_size, d_model)
        stack.layer_norm.gamma, stack.layer_norm.beta = np.ones(d_model, np.float32), np.zeros(d_model, np.float32)
        for layer in stack.layer:
            attentions = [layer.self_attention] + ([layer.attention] if hasattr(layer, "attention") else [])
            for i, attention in enumerate(attentions):
                attention.layer_norm.gamma = np.ones(d_model, np.float32)
                attention.layer_norm.beta = np.zeros(d_model, np.float32)
                if i == 0:
                    attention.linear[0].weight, attention.linear[0].bias = random(3 * d_model, d_model), random(3 * d_model)
                else:
                    attention.linear[0].weight, attention.linear[0].bias = random(d_model, d_model), random(d_model)
                    attention.linear[1].weight, attention.linear[1].bias = random(2 * d_model, d_model), random(2 * d_model)
                attention.linear[-1].weight, attention.linear[-1].bias = random(d_model, d_model), random(d_model)
            layer.ffn.layer_norm.gamma, layer.ffn.layer_norm.beta = np.ones(d_model, np.float32), np.zeros(d_model, np.float32)
            layer.ffn.linear_0.weight, layer.ffn.linear_0.bias = random(ffn, d_model), random(ffn)
            layer.ffn.linear_1.weight, layer.ffn.linear_1.bias = random(d_model, ffn), random(d_model)
    spec.decoder.projection.weight, spec.decoder.projection.bias = random(vocab_size, d_model), random(vocab_size)
    vocabulary = ["<unk>", "<s>", "</s>"] + [f"t{i}" for i in range(vocab_size - 3)]
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization="int8")
    out = workdir / "base-model"
    out.mkdir()
    spec.save(str(out))
    # Decoded the way the engine decodes: equal-length batches, one per core at a time.
    translator = ctranslate2.Translator(
        str(out), device="cpu", compute_type="int8", inter_threads=os.cpu_count() or 1, intra_threads=1
    )
    # Same lengths as the real sentences' SentencePiece tokens, random ids.
    lengths = [len(package.tokenizer.encode(s)) for s in sentences]  # type: ignore[attr-defined]
    batch = [[f"t{rng.integers(vocab_size - 3)}" for _ in range(n)] for n in lengths]
    translator.translate_batch(batch[:2], beam_size=4, max_decoding_length=64)
    started = time.perf_counter()
    pending = [
        translator.translate_batch(
            [batch[i] for i in indices],
            beam_size=4,
            length_penalty=0.2,
            max_decoding_length=64,
            asynchronous=True,
        )
        for indices in equal_length_batches(batch)
    ]
    for results in pending:
        for result in results:
            result.result()
    return len(batch) / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--package", type=Path, default=DEFAULT_PACKAGE)
    parser.add_argument("--day", type=Path, default=DEFAULT_DAY)
    parser.add_argument("--sentences", type=int, default=500)
    parser.add_argument("--compute-type", default="int8")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-base-model", action="store_true", help="skip the random-weight Transformer-base run")
    args = parser.parse_args()
    if data_missing(args.day):
        return 0
    with scratch_home() as work:  # before anything imports argostranslate
        from briefing.translate import find_installed_package, install_from_file

        install_from_file(work / "packages", args.package)
        package = find_installed_package(work / "packages", "ar", "en")
        sentences = real_sentences(args.day, args.sentences)
        ours, ours_s = batched(package, sentences, args.compute_type)
        theirs, theirs_s = per_sentence(package, sentences, args.compute_type)
        report = {
            "sentences": len(sentences),
            "per_sentence_per_s": len(sentences) / theirs_s,
            "batched_per_s": len(sentences) / ours_s,
            "ratio": theirs_s / ours_s,
            "identical": ours == theirs,
        }
        differing = sum(a != b for a, b in zip(ours, theirs, strict=True))
        base_rate = None if args.no_base_model else base_size_model_rate(sentences, package, work)
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{report['sentences']} sentences from {args.day.name}, package {args.package.name}, {args.compute_type}")
    print(f"argostranslate, one call per sentence: {report['per_sentence_per_s']:8.1f} sentences/s")
    print(f"engine, one batched call:              {report['batched_per_s']:8.1f} sentences/s")
    print(f"ratio: {report['ratio']:.1f}x; identical outputs: {report['identical']} ({differing} differ)")
    if base_rate is not None:
        print(f"Transformer-base size (random weights, int8, beam 4, <= 64 tokens): {base_rate:.1f} sentences/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
