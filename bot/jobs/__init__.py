"""Heavy work off Bolt's threads: a bounded queue in the bot process, workers in child processes."""
