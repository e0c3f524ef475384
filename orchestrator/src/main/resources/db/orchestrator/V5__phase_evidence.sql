-- What a worker looked at to reach its verdict (each check and what it saw, each backup artifact),
-- stored with the phase attempt it belongs to, in the transaction that records the verdict.
create table phase_evidence (
    deployment_id uuid    not null references deployments (id),
    phase         text    not null,
    attempt       int     not null,
    position      int     not null,
    name          text    not null,
    passed        boolean not null,
    detail        text    not null,
    primary key (deployment_id, phase, attempt, position)
);
