"""``--help`` for every command and action: its own usage, a description, and every option described."""

from __future__ import annotations

import argparse

import pytest

from include.cli import build_parser
from tests.cli.cli_helpers import cli_env, crosscheck


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
    for action in subs:
        for name, child in action.choices.items():
            yield from _leaves(child, (*path, name))


LEAVES = list(_leaves(build_parser()))


def test_every_action_is_a_leaf_of_its_own():
    paths = {" ".join(p) for p, _ in LEAVES}
    assert {"run", "audit verify", "findings clear", "candidate export", "candidate erase"} <= paths


@pytest.mark.parametrize("path, parser", LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
def test_every_option_and_argument_is_described(path, parser):
    assert parser.description and len(parser.description) > 20, path
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help and action.help.strip(), f"{' '.join(path)}: {action.dest} has no help"


@pytest.mark.parametrize("path, needles", [
    (("findings", "clear"), ("usage: crosscheck findings clear", "finding_id", "--reason", "--by")),
    (("candidate", "erase"), ("usage: crosscheck candidate erase", "--by BY", "tombstone")),
    (("candidate", "export"), ("usage: crosscheck candidate export", "--out FILE", "mode 600")),
    (("run",), ("usage: crosscheck run", "--date YYYY-MM-DD", "today (UTC) or earlier")),
])
def test_help_from_the_executable(tmp_path, path, needles):
    res = crosscheck(*path, "--help", env=cli_env(tmp_path), cwd=tmp_path)
    assert res.rc == 0 and not res.err
    for n in needles:
        assert n in res.out, (n, res.out)
