-- One notification per (event, channel): the unique key is what makes "never twice" hold.
create table deliveries (
    id              uuid primary key,
    event_id        uuid        not null,
    channel         text        not null,
    deployment_id   uuid        not null,
    event_type      text        not null,
    payload         text        not null,
    status          text        not null,
    attempts        int         not null,
    next_attempt_at timestamptz not null,
    last_error      text        not null,
    created_at      timestamptz not null,
    delivered_at    timestamptz,
    unique (event_id, channel)
);
create index deliveries_due on deliveries (next_attempt_at) where status = 'PENDING';
create index deliveries_of_deployment on deliveries (deployment_id, created_at);

create table delivery_attempts (
    delivery_id uuid        not null references deliveries (id),
    attempt     int         not null,
    at          timestamptz not null,
    http_status int,
    succeeded   boolean     not null,
    detail      text        not null,
    latency_ms  int         not null,
    primary key (delivery_id, attempt)
);
