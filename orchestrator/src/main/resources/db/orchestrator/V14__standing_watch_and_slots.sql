-- The standing watch's verdict of the version an entry records, and since when it holds: a release
-- that put the version in place passed its checks, so an entry starts healthy.
alter table ledger add column health text not null default 'HEALTHY';
alter table ledger add column health_since timestamptz;
alter table ledger add column health_summary text not null default '';
update ledger set health_since = since;
alter table ledger alter column health_since set not null;
-- A target event (the watch's verdict changed) belongs to no deployment.
alter table events alter column deployment_id drop not null;
-- Checked for new rows at once; the existing ones are validated without blocking writes.
alter table events add constraint events_of_a_deployment_are_numbered
    check ((deployment_id is null) = (sequence = 0)) not valid;
alter table events validate constraint events_of_a_deployment_are_numbered;
-- Whether the spec pinned by the entry's deployment has a watch: the health-service watches the
-- open entries that have one.
alter table ledger add column watched boolean not null default false;
update ledger l set watched = true from deployments d
    where d.id = l.deployment_id and (d.spec_json::jsonb -> 'watch') is not null;
create index ledger_watched_running on ledger (app, environment) where until is null and watched;

-- Blue-green: the slot serving when a release was planned (it deploys to the other; empty when none
-- is known) and whether its switch ran; the slot a version served from. Empty for direct targets.
alter table deployments add column live_slot text not null default '';
alter table deployments add column switched boolean not null default false;
alter table ledger add column slot text not null default '';
-- A switch is a local step, scanned like DEPLOY and REVERT.
drop index deployments_running_locally;
create index deployments_running_locally on deployments (id) where status in ('DEPLOY', 'SWITCH', 'REVERT');
