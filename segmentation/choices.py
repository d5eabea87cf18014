"""The numbers of segments segbot offers, everywhere (Slack's k menu, ``--k``, schedules).

Kept apart from ``segmentation.model`` so that what only checks a choice (the command line's
argument parsing, Slack's request parsers) does not load scikit-learn to do it.
"""

K_MIN, K_MAX = 2, 10
K_RANGE = range(K_MIN, K_MAX + 1)
