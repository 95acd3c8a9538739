-- Schema version 4: adaptive polling. Each feed's poll interval learned
-- from what it delivers (nanoseconds; 0 until learned), and when a poll
-- last found items new to the store (NULL: never).
ALTER TABLE feeds ADD COLUMN poll_interval INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN last_new INTEGER;
