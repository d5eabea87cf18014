"""segbot's first schema exactly as released: migration step 1 (``m001_initial``) runs it."""

# Step 1 as released: never edit it, files created by it must match what later steps expect.
INITIAL_SCHEMA = """
    CREATE TABLE datasets (
        id INTEGER PRIMARY KEY,
        team_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        user_id TEXT,
        created_at TEXT NOT NULL,
        file_name TEXT NOT NULL,
        slack_file_id TEXT,
        sha256 TEXT NOT NULL,
        rows_read INTEGER,
        rows_kept INTEGER,
        customers INTEGER,
        first_purchase TEXT,
        last_purchase TEXT,
        mapping TEXT,
        file_format TEXT,
        transactions_path TEXT NOT NULL,
        UNIQUE (team_id, channel_id, sha256)
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        team_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        trigger TEXT NOT NULL
            CHECK (trigger IN ('upload', 'command', 'schedule', 'cli', 'button')),
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
        error TEXT,
        param_k INTEGER,
        param_as_of TEXT,
        param_random_state INTEGER,
        k INTEGER,
        k_reason TEXT,
        k_scores TEXT,
        stability REAL,
        as_of TEXT,
        summary TEXT,
        timings TEXT,
        requested_by TEXT,
        owner TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
    );
    CREATE INDEX runs_by_channel ON runs (team_id, channel_id, status, id);
    CREATE TABLE segments (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        segment INTEGER NOT NULL,
        name TEXT NOT NULL,
        customers INTEGER NOT NULL,
        revenue REAL,
        share REAL,
        revenue_share REAL,
        median_recency_days REAL,
        median_frequency REAL,
        median_average_spend REAL,
        median_total_spend REAL,
        strategies TEXT,
        strategy_keys TEXT,
        levels TEXT,
        PRIMARY KEY (run_id, segment)
    );
    CREATE TABLE assignments (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        customer_id TEXT NOT NULL,
        segment INTEGER NOT NULL,
        recency_days INTEGER,
        frequency INTEGER,
        average_spend REAL,
        total_spend REAL,
        returns_value REAL,
        PRIMARY KEY (run_id, customer_id)
    );
"""

# Added by m015: a segment's products (``SegmentProducts`` as JSON); a customer's next and
# usual products, names and ids joined by "; " (``segmentation.products.PRODUCT_COLUMNS``).
PRODUCT_COLUMNS = """
ALTER TABLE segments ADD COLUMN products TEXT;
ALTER TABLE assignments ADD COLUMN next_products TEXT;
ALTER TABLE assignments ADD COLUMN usual_products TEXT;
ALTER TABLE assignments ADD COLUMN next_product_ids TEXT;
ALTER TABLE assignments ADD COLUMN usual_product_ids TEXT
"""
