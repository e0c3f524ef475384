-- A check that could not run (its host did not resolve, a proxy refused it) is neither a pass nor
-- a failure of the app.
alter table check_results add column outcome text;
update check_results set outcome = case when passed then 'PASSED' else 'FAILED' end;
alter table check_results alter column outcome set not null;
