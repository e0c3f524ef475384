-- Which orchestrator process holds a runner lease, so that a successor on the same host resumes a
-- dead holder's step at once instead of waiting for the lease to run out.
alter table deployments add column runner_holder_host text;
alter table deployments add column runner_holder_process text;

-- The supervisor's scans, once a second on every replica, touch only the few unfinished
-- deployments: without these each one reads the whole history.
create index deployments_running_locally on deployments (id) where status in ('DEPLOY', 'REVERT');
create index deployments_held on deployments (created_at) where status = 'HELD';
drop index deployments_with_deadline;
create index deployments_unfinished_with_deadline on deployments (deadline)
    where deadline is not null
      and status not in ('SUCCEEDED', 'FAILED', 'CANCELLED', 'ROLLED_BACK', 'ROLLBACK_FAILED');
