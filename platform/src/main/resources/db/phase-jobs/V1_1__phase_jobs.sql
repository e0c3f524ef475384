-- Phase attempts a worker service runs (dev.slipway.platform.worker.PhaseJobs), under a lease.
create table phase_jobs (
    deployment_id uuid        not null,
    phase         text        not null,
    attempt       int         not null,
    deadline      timestamptz not null,
    status        text        not null,
    summary       text        not null,
    lease_until   timestamptz not null,
    created_at    timestamptz not null,
    finished_at   timestamptz,
    primary key (deployment_id, phase, attempt)
);
create index phase_jobs_running on phase_jobs (lease_until) where status = 'RUNNING';
