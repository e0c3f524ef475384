-- A canary runs WEIGHT and ANALYSIS once per step: a phase attempt is (phase, step, attempt), with
-- step 0 for every phase outside a canary's steps. deployments.step is the step a canary is at.
alter table deployments add column step int not null default 0;

alter table phases add column step int not null default 0;
alter table phases drop constraint phases_pkey, add primary key (deployment_id, phase, step, attempt);

alter table step_logs add column step int not null default 0;
alter table step_logs drop constraint step_logs_pkey,
    add primary key (deployment_id, phase, step, attempt, line_no);

alter table phase_evidence add column step int not null default 0;
alter table phase_evidence drop constraint phase_evidence_pkey,
    add primary key (deployment_id, phase, step, attempt, position);
