-- Managing sources: the reader's own name for a source, its own refresh interval, proxy and User-Agent,
-- whether its new stories notify, and what its server asked about timing.

-- The name the reader gave the source; NULL shows the feed's own title (which each refresh updates).
ALTER TABLE sources ADD COLUMN custom_title TEXT;
-- Minutes between background refreshes of this source; NULL follows the refresh_interval setting.
ALTER TABLE sources ADD COLUMN refresh_minutes INTEGER;
-- NULL follows the proxy setting; 'direct' reaches the source without any proxy; else a proxy URL.
ALTER TABLE sources ADD COLUMN proxy TEXT;
-- NULL sends the user_agent setting (or Offprint's own).
ALTER TABLE sources ADD COLUMN user_agent TEXT;
-- Whether new stories of this source are counted in the desktop notification.
ALTER TABLE sources ADD COLUMN notify INTEGER NOT NULL DEFAULT 1;
-- A 429 or 503 with Retry-After: no request to this source before this time (Unix seconds), not even a
-- manual refresh. next_check_at (since the first schema) holds the time before which the server's
-- caching headers or the feed's ttl say nothing will have changed; it is written only when that is later
-- than the regular interval would bring.
ALTER TABLE sources ADD COLUMN retry_after_at INTEGER;
-- The feed's RSS <ttl> (minutes) when it last sent a body, so a 304 still knows it.
ALTER TABLE sources ADD COLUMN ttl_minutes INTEGER;
