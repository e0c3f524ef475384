-- Every check ever run: which check, in which round of which phase attempt, and what it saw.
create table check_results (
    id            bigserial primary key,
    deployment_id uuid        not null,
    phase         text        not null,
    attempt       int         not null,
    round         int         not null,
    check_name    text        not null,
    passed        boolean     not null,
    detail        text        not null,
    latency_ms    int         not null,
    counted       boolean     not null,
    checked_at    timestamptz not null
);
create index check_results_of_deployment on check_results (deployment_id, phase, attempt, id);
