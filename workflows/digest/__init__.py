"""The weekly digest's content: when a schedule is due, the refresh behind it, what changed.

``slots`` says when a schedule is due, ``refresh`` re-segments a channel's data (through
``workflows.runs.segment_and_record``), ``compare`` and ``assemble`` work out what changed (a
``Digest``) and ``history`` draws its charts. Nothing here talks to Slack: the bot's scheduler
fires and posts digests and its renderers word them.
"""
