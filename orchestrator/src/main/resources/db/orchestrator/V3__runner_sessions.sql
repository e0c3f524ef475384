-- The session (process group) a DEPLOY or REVERT command runs in, and the host it runs on, so that
-- a later attempt on the same host can make sure the earlier one is gone before it starts.
alter table deployments add column runner_host text, add column runner_session bigint;
