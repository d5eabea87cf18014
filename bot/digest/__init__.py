"""The weekly digest: schedules, exactly-once slots, the refresh, the message and its scheduler.

Pure parts (``schedule_parse``, ``slots``, ``blocks``) know nothing of Slack or SQLite;
``refresh`` is the use case over storage and segmentation; ``posting`` and ``scheduler``
talk to Slack; ``service`` is what the ``/segment`` listener and the buttons call.
"""
