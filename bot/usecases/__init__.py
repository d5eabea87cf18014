"""What the bot does for a request: one module per kind of work, each function taking the
``Deps`` it needs and the asking ``Place``, returning a ``Reply`` or raising ``UserError``."""
