create table targets (
    app             text        not null,
    environment     text        not null,
    spec_json       text        not null,
    revision        bigint      not null,
    updated_at      timestamptz not null,
    current_version text,
    primary key (app, environment)
);

create table deployments (
    id                 uuid primary key,
    app                text        not null,
    environment        text        not null,
    kind               text        not null,
    version            text        not null,
    previous_version   text        not null,
    requested_by       text        not null,
    target_revision    bigint      not null,
    spec_json          text        not null,
    status             text        not null,
    attempt            int         not null,
    deadline           timestamptz,
    reason             text        not null,
    last_sequence      bigint      not null,
    backup_taken       boolean     not null,
    idempotency_key    text        not null unique,
    runner_lease_until timestamptz,
    created_at         timestamptz not null,
    updated_at         timestamptz not null,
    finished_at        timestamptz
);

-- At most one active deployment per target, whatever the number of orchestrator replicas.
create unique index one_active_deployment_per_target on deployments (app, environment)
    where status not in ('SUCCEEDED', 'FAILED', 'CANCELLED', 'ROLLED_BACK', 'ROLLBACK_FAILED');
create index deployments_newest_first on deployments (created_at desc, id desc);
create index deployments_of_target_newest_first on deployments (app, environment, created_at desc, id desc);
create index deployments_with_deadline on deployments (deadline) where deadline is not null;

create table phases (
    deployment_id uuid        not null references deployments (id),
    phase         text        not null,
    attempt       int         not null,
    outcome       text        not null,
    summary       text        not null,
    started_at    timestamptz not null,
    finished_at   timestamptz,
    primary key (deployment_id, phase, attempt)
);

create table step_logs (
    deployment_id uuid        not null references deployments (id),
    phase         text        not null,
    attempt       int         not null,
    line_no       int         not null,
    line          text        not null,
    logged_at     timestamptz not null,
    primary key (deployment_id, phase, attempt, line_no)
);

-- Every event ever emitted, in per-deployment sequence; rows not yet published form the outbox.
create table events (
    id            bigserial primary key,
    event_id      uuid        not null unique,
    deployment_id uuid        not null references deployments (id),
    sequence      bigint      not null,
    target_key    text        not null,
    payload       bytea       not null,
    created_at    timestamptz not null,
    published_at  timestamptz,
    unique (deployment_id, sequence)
);
create index events_unpublished on events (id) where published_at is null;
