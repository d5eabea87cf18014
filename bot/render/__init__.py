"""Pure Block Kit renderers: typed data in, ``text`` and ``blocks`` out. No Slack calls here."""
