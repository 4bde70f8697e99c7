from __future__ import annotations

from pathlib import Path

import pytest

from briefing.config import Config, find_config_file, load_config
from briefing.errors import ConfigError


def test_toml_values_and_flag_overrides(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "briefing.toml"
    path.parent.mkdir()
    path.write_text(
        '[input]\ndir = "inbox"\n[output]\ndir = "/srv/briefings"\ntimezone = "Asia/Riyadh"\n'
        "[summary]\nmax_sentences = 2\nmax_words = 80\n[translate]\ncompute_type = \"float32\"\nthreads = 2\n",
        encoding="utf-8",
    )
    config = load_config(path, out_dir=Path("elsewhere"), input_dir=None)
    assert config == Config(
        input_dir=tmp_path / "conf" / "inbox",  # relative to the file
        out_dir=Path("elsewhere"),  # the flag wins
        timezone="Asia/Riyadh",
        max_sentences=2,
        max_words=80,
        compute_type="float32",
        threads=2,
    )


def test_config_file_search_order(tmp_path: Path) -> None:
    cwd, user = tmp_path / "cwd", tmp_path / "user"
    cwd.mkdir()
    user.mkdir()
    assert find_config_file(None, cwd, user) is None
    (user / "briefing.toml").write_text("")
    assert find_config_file(None, cwd, user) == user / "briefing.toml"
    (cwd / "briefing.toml").write_text("")
    assert find_config_file(None, cwd, user) == cwd / "briefing.toml"
    with pytest.raises(ConfigError, match="config file not found"):
        find_config_file(tmp_path / "missing.toml", cwd, user)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[translate]\ncompute_type = \"fp8\"\n", "translate.compute_type: must be one of"),
        ("[summary]\nmax_words = -1\n", "summary.max_words: must be 0 (no limit) or more"),
        ("[input]\ndir = \"\"\n", "input.dir: must not be empty"),
        ("[input]\ndir = 3\n", "input.dir: expected a path string, got 3"),
        ("title = \"x\"\n", "title: expected a [title] table"),
        ('[[sources]]\nfeed = "ftp://example.com/rss"\n', "sources[1].feed: 'ftp://example.com/rss' is not an http(s) URL"),
        ('[[sources]]\nfolder = "a"\nfeed = "https://x.org/"\n', "sources[1]: give exactly one of folder, feed or page"),
        ('[[sources]]\nfeeds = "https://x.org/"\n', "sources[1]: unknown key 'feeds'"),
        ('[sources]\nfeed = "https://x.org/"\n', "sources: write each source as a [[sources]] table"),
        ("[stories]\nfeatured = -1\n", "stories.featured: 0 or more"),
    ],
)
def test_wrong_values_name_their_key(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "briefing.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        load_config(path)
