-- A queued deployment waits without holding its target: every other unfinished one holds it.
drop index one_active_deployment_per_target;
create unique index one_active_deployment_per_target on deployments (app, environment)
    where status not in ('SUCCEEDED', 'FAILED', 'CANCELLED', 'ROLLED_BACK', 'ROLLBACK_FAILED', 'QUEUED');
create index queued_oldest_first on deployments (app, environment, created_at, id)
    where status = 'QUEUED';

alter table deployments add column freeze_override_reason text not null default '';

-- One row per identity: an identity counts once.
create table approvals (
    deployment_id uuid        not null references deployments (id),
    approver      text        not null,
    comment       text        not null,
    approved_at   timestamptz not null,
    primary key (deployment_id, approver)
);

-- Recurring (cron, duration, zone) or one-off (starts_at, ends_at), never both.
create table freeze_windows (
    environment      text        not null,
    name             text        not null,
    reason           text        not null,
    cron             text,
    duration_seconds bigint,
    zone             text,
    starts_at        timestamptz,
    ends_at          timestamptz,
    updated_by       text        not null,
    updated_at       timestamptz not null,
    primary key (environment, name),
    check ((cron is not null and duration_seconds > 0 and zone is not null and starts_at is null and ends_at is null)
        or (cron is null and duration_seconds is null and zone is null and starts_at < ends_at))
);

-- What ran where, from when to when: one open entry per target, the version running now.
create table ledger (
    id                 bigserial primary key,
    app                text        not null,
    environment        text        not null,
    version            text        not null,
    deployment_id      uuid        not null references deployments (id),
    arrived            text        not null,
    deployed_by        text        not null,
    since              timestamptz not null,
    until              timestamptz,
    left_how           text        not null default '',
    left_deployment_id uuid references deployments (id),
    left_reason        text        not null default ''
);
create index ledger_of_target_newest_first on ledger (app, environment, since desc, id desc);
create unique index one_running_version_per_target on ledger (app, environment) where until is null;

-- What ran before this version, as far as the deployments tell: each successful one until the next.
insert into ledger (app, environment, version, deployment_id, arrived, deployed_by, since, until,
                    left_how, left_deployment_id)
select app, environment, version, id,
       case kind when 'ROLLBACK' then 'rollback' else 'deploy' end, requested_by, finished_at,
       lead(finished_at) over target, case when lead(id) over target is null then '' else 'replaced' end,
       lead(id) over target
from deployments
where status = 'SUCCEEDED' and finished_at is not null
window target as (partition by app, environment order by finished_at, id);
