"""The cross-check engine: canonical records in, findings out (docs/KINDS.md says what each kind means).

Entry points: ``include.engine.run.check_candidate`` with a ``RegistryIndex`` built once per run;
``include.engine.kinds`` for the kinds the rule modules declare (names, rule versions, labels,
thresholds); ``python -m evaluation.engine --world DIR`` to score the rules against a sandbox
world's planted labels.
"""
