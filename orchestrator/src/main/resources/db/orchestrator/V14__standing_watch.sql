-- The standing watch's verdict of the version an entry records, and since when it holds: a release
-- that put the version in place passed its checks, so an entry starts healthy.
alter table ledger add column health text not null default 'HEALTHY';
alter table ledger add column health_since timestamptz;
alter table ledger add column health_summary text not null default '';
update ledger set health_since = since;
alter table ledger alter column health_since set not null;
-- A target event (the watch's verdict changed) belongs to no deployment.
alter table events alter column deployment_id drop not null;
alter table events add constraint events_of_a_deployment_are_numbered
    check ((deployment_id is null) = (sequence = 0));
-- Whether the spec pinned by the entry's deployment has a watch: the health-service watches the
-- open entries that have one.
alter table ledger add column watched boolean not null default false;
update ledger l set watched = true from deployments d
    where d.id = l.deployment_id and (d.spec_json::jsonb -> 'watch') is not null;
create index ledger_watched_running on ledger (app, environment) where until is null and watched;
