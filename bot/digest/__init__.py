"""The weekly digest: schedules, exactly-once slots, the refresh and its scheduler.

Pure parts: ``schedule_parse`` (the ``/segment schedule``/``digest now`` requests), ``slots``
(when a schedule is due) and ``compare`` (what changed, as a ``Digest``). ``refresh`` is the
re-segmentation over storage; ``posting`` and ``scheduler`` talk to Slack. Replies and the
digest message are rendered in ``bot.render.digest`` and ``bot.render.schedule``; the use cases
live in ``bot.usecases.schedules`` and ``bot.usecases.digests``.
"""
