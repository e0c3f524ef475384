-- A canary's ANALYSIS runs once per step: a round belongs to (phase, step, attempt).
alter table check_results add column step int not null default 0;
