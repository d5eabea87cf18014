"""``python -m cli``: the same as the ``segbot`` command."""

from cli import run

run()
