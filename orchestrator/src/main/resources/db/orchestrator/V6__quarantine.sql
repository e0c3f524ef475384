-- A version that ended ROLLED_BACK on a target may not be deployed there again until it is
-- released, or a deploy is forced with a reason (kept on that deployment).
create table quarantined_versions (
    app            text        not null,
    environment    text        not null,
    version        text        not null,
    deployment_id  uuid        not null references deployments (id),
    reason         text        not null,
    quarantined_at timestamptz not null,
    released_at    timestamptz,
    released_by    text,
    release_reason text,
    primary key (app, environment, version)
);
create index quarantined_newest_first on quarantined_versions (quarantined_at desc);

alter table deployments add column force_reason text not null default '';
