"""Slack I/O with the pitfalls handled: safe downloads, one-call uploads, channel membership."""
