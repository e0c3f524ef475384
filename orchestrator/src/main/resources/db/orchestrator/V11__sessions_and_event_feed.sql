-- Browser sessions of the dashboard: the cookie's secret is kept only as a keyed hash, and a
-- session is never better than the token it was opened with (revoked or expired: refused).
create table sessions (
    id         uuid primary key,
    hash       bytea       not null unique,
    token_id   uuid        not null references tokens (id),
    created_at timestamptz not null,
    expires_at timestamptz not null
);
create index sessions_by_expiry on sessions (expires_at);

-- The feed of every deployment's events (/api/v1/events) reads in commit order: an event is sent
-- once every transaction that could still add one before it has ended, so a reader that resumes
-- from a position misses nothing and sees nothing twice.
alter table events add column tx xid8 not null default pg_current_xact_id();
create index events_in_commit_order on events (tx, id);
