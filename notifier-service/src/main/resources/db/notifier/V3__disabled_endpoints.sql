-- Endpoints a receiver retired with 410 Gone: nothing more is sent to that URL of that channel
-- until the channel is configured with another URL.
create table disabled_endpoints (
    channel     text        not null,
    url         text        not null,
    reason      text        not null,
    disabled_at timestamptz not null,
    primary key (channel, url)
);
