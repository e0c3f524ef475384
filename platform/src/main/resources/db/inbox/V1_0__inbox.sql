-- Processed event ids of a consumer (dev.slipway.platform.db.Inbox), in each consuming service's schema.
create table inbox (
    event_id     uuid primary key,
    processed_at timestamptz not null
);
