"""The weekly digests' scheduler: APScheduler fires each schedule's slot exactly once, the
refresh runs in a worker, and the digest and its thread are posted to Slack."""
