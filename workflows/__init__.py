"""segbot's workflows, with no Slack in them: what the Slack app, the command line and the
scheduler all do with a channel's data.

- ``runs``: segment-and-record, the one function every run goes through (an upload, *Add* or
  *Replace*, a re-run, a connected source, a digest's refresh, ``segbot segment --db``).
- ``appends``: an export shared where data is stored — kept until *Add* or *Replace* is chosen,
  then built.
- ``bindings``: which connected source a channel reads, and reading it.
- ``digest``: when a weekly digest is due, the refresh behind it and what changed.
- ``campaigns``: a segment's campaign with a random holdout, drawn once; ``campaign_report``
  its read-out (the lift it caused) from the channel's transactions since the start.

Workflows take a ``Where`` (whose data, who asked, where the database lives) and typed values,
raise ``UserError`` with a sentence for the person who asked, and return typed results; the
callers word and post them (``bot``) or print them (``cli``).
"""
