"""The evaluation protocol, on small exact cases and (when present) on EASC itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.evaluate import load_easc, score_system, take_budget
from briefing.evaluate.rouge import rouge_l_f1, rouge_n_f1
from briefing.summarize import LeadSelector

EASC_DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "easc" / "dev.jsonl"


def test_rouge_on_hand_computed_cases() -> None:
    candidate, reference = ["a", "b", "c", "d"], ["a", "b", "x", "d", "e"]
    assert rouge_n_f1(candidate, reference, 1) == pytest.approx(2 * (3 / 4) * (3 / 5) / (3 / 4 + 3 / 5))
    assert rouge_n_f1(candidate, reference, 2) == pytest.approx(2 * (1 / 3) * (1 / 4) / (1 / 3 + 1 / 4))
    assert rouge_l_f1(candidate, reference) == pytest.approx(2 * (3 / 4) * (3 / 5) / (3 / 4 + 3 / 5))
    assert rouge_n_f1([], reference, 1) == 0.0
    assert rouge_n_f1(["a", "a"], ["a"], 1) == pytest.approx(2 * 0.5 * 1 / 1.5)  # counts are clipped


def write_easc(path: Path) -> None:
    records = [
        {
            "id": "t1",
            "article": "الجملة الأولى هنا. الجملة الثانية هناك. الجملة الثالثة أخيرا.",
            "summaries": ["الجملة الاولى هنا.", "الجملة الأولى هنا. الجملة الثالثة اخيرا."],
        }
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")


def test_budget_is_the_mean_reference_length_and_the_last_sentence_may_cross(tmp_path: Path) -> None:
    write_easc(tmp_path / "e.jsonl")
    (article,) = load_easc(tmp_path / "e.jsonl")
    assert article.budget == (3 + 6) / 2
    taken = take_budget(article, LeadSelector().rank_sentences(list(article.sentences)))
    assert [s.index for s in taken] == [0, 1]  # 3 words, then 6 >= 4.5: stop
    score = score_system([article], LeadSelector().rank_sentences)
    # Candidate: 6 tokens. Ref 1 (3 tokens): 3 shared -> F1 2/3. Ref 2 (6 tokens, hamza
    # and alef differences gone after normalisation): 4 shared -> F1 2/3.
    assert score.rouge1 == pytest.approx(2 / 3)


def test_command_prints_the_json_the_issue_names(tmp_path: Path) -> None:
    write_easc(tmp_path / "e.jsonl")
    out = subprocess.run(
        [sys.executable, "-m", "briefing.evaluate", "easc", str(tmp_path / "e.jsonl"), "--json", "--systems", "briefing,lead"],
        capture_output=True, text=True, check=True,
    ).stdout
    report = json.loads(out)
    assert report["n_docs"] == 1
    assert set(report["systems"]) == {"briefing", "lead"}
    assert set(report["systems"]["lead"]) == {"rouge1", "rouge2", "rougeL", "docs_per_s"}


@pytest.mark.skipif(not EASC_DEV.is_file(), reason="EASC dev set not present (../shared/data)")
def test_lead_on_easc_dev_matches_the_protocol_check() -> None:
    score = score_system(load_easc(EASC_DEV), LeadSelector().rank_sentences)
    assert score.rouge1 == pytest.approx(0.512, abs=0.005)
    assert score.rouge2 == pytest.approx(0.436, abs=0.005)
    assert score.rougeL == pytest.approx(0.469, abs=0.005)
