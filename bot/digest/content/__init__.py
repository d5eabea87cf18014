"""What a digest says (pure data and comparisons), kept apart from the Slack-facing digest code.

``bot.render`` reads these types and ``bot.digest``'s poster renders them, so they sit below
both: nothing here imports ``bot.digest`` or ``bot.render``.
"""
