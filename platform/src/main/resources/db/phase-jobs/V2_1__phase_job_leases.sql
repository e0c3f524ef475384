-- Whose lease a job is under (a claim hands it to a new owner, and only the owner may renew it),
-- and the verdict kept before it is reported, so a job whose report was lost is reported again,
-- never run again.
alter table phase_jobs add column lease_owner uuid, add column report bytea;
drop index phase_jobs_running;
create index phase_jobs_unfinished on phase_jobs (lease_until) where status in ('RUNNING', 'REPORTING');
