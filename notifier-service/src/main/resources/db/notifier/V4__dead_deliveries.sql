-- A delivery retried by hand starts its channel's schedule again after the attempts it had made.
alter table deliveries add column retried_after int not null default 0;
-- Deliveries that ran out of attempts used to end FAILED with the reason saying so; they are DEAD.
update deliveries set status = 'DEAD' where status = 'FAILED' and last_error like '%no answer that delivered it after%';
-- slipway deliveries --status DEAD, and the DEAD count, across every deployment.
create index deliveries_by_status on deliveries (status, created_at, id);
-- A chat channel sends in order: the dispatcher looks for an older pending delivery of the channel.
create index deliveries_pending_by_channel on deliveries (channel, created_at, id) where status = 'PENDING';
