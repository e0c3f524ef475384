-- Notification channels as resources (slipway channel apply -f): the spec names its secrets,
-- never holds them.
create table channels (
    name       text primary key,
    spec_json  text        not null,
    revision   bigint      not null,
    applied_by text        not null,
    applied_at timestamptz not null
);
