-- The feed of every deployment's events (/api/v1/events) reads by feed position: a number the
-- feed sequencer gives each event after it commits, one transaction at a time under a lock, so
-- positions only ever appear in increasing order and a reader that resumes from one misses
-- nothing and sees nothing twice. Ordering by transaction id (V11) could put one deployment's
-- events out of sequence and stalled behind any long transaction of the cluster; it is gone.
alter table events drop column tx;
alter table events add column feed_position bigint;
-- Rows written so far are committed, and in id order each deployment's are in sequence.
update events set feed_position = id;
create unique index events_by_feed_position on events (feed_position);
create index events_awaiting_feed_position on events (id) where feed_position is null;
