-- Why an event could never be published (it does not decode, or is larger than Kafka accepts): it
-- is set aside with the reason instead of stopping every event behind it.
alter table events add column publish_error text;
