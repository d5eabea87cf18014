"""``python -m cli``: the same as the ``segbot`` command."""

import sys

from cli import main

sys.exit(main())
