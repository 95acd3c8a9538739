-- Schema version 2: when each inbox row was queued, for the inbox lag of
-- /metrics (the oldest row's age). A row updated while it waits (the item
-- changed again) keeps its first queueing time.
ALTER TABLE inbox ADD COLUMN queued_at timestamptz NOT NULL DEFAULT now();
