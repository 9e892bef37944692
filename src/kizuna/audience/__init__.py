"""Audience quality: is a creator's audience made of real people?

Follower-account fake detection (issue 4, item 3). Public API -- everything else in this package is an
implementation detail that may change:

``kizuna.audience.scoring``
    ``score_accounts(rows, model=None) -> ScoreResult`` -- rows are mappings (CSV ``DictReader`` rows, API
    payloads) with any subset of the accepted keys (case-insensitive): ``username`` or
    (``username_length``, ``username_digit_count``) or ``username_digit_ratio``; ``full_name``;
    ``biography`` or ``bio_length``; ``posts``; ``followers``; ``following``; ``has_profile_picture``;
    ``is_private``; ``external_url`` or ``has_external_url`` (plus a few aliases such as ``followers_count``
    or ``フォロワー数``: ``kizuna.audience.features.ALIASES``).
    ``score_columns(columns, model=None)`` -- the same for a column-oriented table.
    ``score_fields(fields, model=None)`` -- numeric arrays already in canonical form
    (``kizuna.audience.features.fields_from_arrays(n, followers=..., ...)``; NaN = unknown): the fast path,
    several hundred thousand accounts/s (docs/benchmarks/audience.md).
    ``ScoreResult``: ``probabilities`` (fake probability per row, 0-1, calibrated for a 10% fake base rate),
    ``suspicious`` (bool per row at ``threshold``), ``share``, ``ci95`` (Wilson 95% interval of the share),
    ``fields_used``/``fields_missing`` (which inputs the score could use), ``summary()`` (JSON-ready).
    ``wilson_interval(k, n)`` -- the interval on its own.
    Unreadable input raises ``kizuna.audience.features.FeatureInputError`` (a ``ValueError``).

``kizuna.audience.model``
    ``load_model() -> FollowerModel`` -- the shipped model (``follower_model.json``: plain arrays, no pickle),
    with ``version``, ``threshold`` and ``meta["evaluation"]`` (the cross-source numbers in the model card).

CLI: ``kizuna audience score FILE --output OUT.csv [--json]`` (``kizuna.audience.cli``).

How the model was built and how well it works on sources it never saw: ``MODEL_CARD.md`` next to this file and
``docs/audience-model-report.md``. Training code (numpy only, never imported when scoring) is in
``kizuna.audience.training`` and ``bench/train_audience_model.py``.
"""
