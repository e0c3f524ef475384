-- A canary's ANALYSIS runs once per step: a job is (deployment, phase, step, attempt). (5_1 keeps
-- it apart from the workers' own versions.)
alter table phase_jobs add column step int not null default 0;
alter table phase_jobs drop constraint phase_jobs_pkey, add primary key (deployment_id, phase, step, attempt);
