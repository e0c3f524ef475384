-- A set is everything backed up for one deployment at one moment: the pre-deploy BACKUP, or the
-- SNAPSHOT of the failed release's state taken before a restore overwrites it.
create table backup_sets (
    id            uuid primary key,
    deployment_id uuid        not null,
    app           text        not null,
    environment   text        not null,
    kind          text        not null,
    status        text        not null,
    summary       text        not null,
    created_at    timestamptz not null,
    completed_at  timestamptz,
    deleted_at    timestamptz
);
create index backup_sets_of_target on backup_sets (app, environment, kind, created_at desc);
create index backup_sets_of_deployment on backup_sets (deployment_id, kind);

create table backup_artifacts (
    set_id     uuid   not null references backup_sets (id),
    item_index int    not null,
    type       text   not null,
    source     text   not null,
    path       text   not null,
    size_bytes bigint not null,
    sha256     text   not null,
    primary key (set_id, item_index)
);

create table restores (
    id            bigserial primary key,
    deployment_id uuid        not null,
    set_id        uuid        not null references backup_sets (id),
    outcome       text        not null,
    summary       text        not null,
    started_at    timestamptz not null,
    finished_at   timestamptz
);
