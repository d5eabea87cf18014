"""The weekly digest's content: what is due when, what changed, and the refresh behind it.

``schedule_parse`` reads the ``/segment schedule``/``digest now`` requests, ``slots`` says when a
schedule is due, ``compare`` works out what changed (a ``Digest``), and ``refresh`` re-segments a
channel's data to produce one. Nothing here talks to Slack: ``bot.scheduling`` fires and posts
digests, ``bot.render.digest``/``bot.render.schedule`` word them, and the use cases live in
``bot.usecases.schedules`` and ``bot.usecases.digests``.
"""
