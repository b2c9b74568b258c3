"""``python -m sandbox generate`` writes the world the generator builds, from either vocabulary."""

from __future__ import annotations

import json

from sandbox.generator import build_world_and_names
from tests.cli.cli_helpers import cli_env, workshop


def test_generate_holdout_writes_the_holdout_world(tmp_path):
    env = cli_env(tmp_path)
    out = {}
    for vocab in ("default", "holdout"):
        res = workshop("sandbox", "generate", "--seed", "3", "--candidates", "20", "--vocabulary", vocab,
                         "--out", str(tmp_path / vocab), env=env, cwd=tmp_path)
        assert res.rc == 0, res.err
        assert f"({vocab} vocabulary)" in res.out
        out[vocab] = json.loads((tmp_path / vocab / "world.json").read_text(encoding="utf-8"))
    expected, _labels, _names = build_world_and_names(3, 20, "2026-11-21", "holdout")
    assert out["holdout"] == json.loads(json.dumps(expected))
    assert out["holdout"]["companies_house"] != out["default"]["companies_house"]  # other name pools


def test_generate_refuses_an_unknown_vocabulary(tmp_path):
    res = workshop("sandbox", "generate", "--vocabulary", "tuned", "--out", str(tmp_path / "w"),
                     env=cli_env(tmp_path), cwd=tmp_path)
    assert res.rc == 2 and "invalid choice: 'tuned'" in res.err
    assert not (tmp_path / "w").exists()
