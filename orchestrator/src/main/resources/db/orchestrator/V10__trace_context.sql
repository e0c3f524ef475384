-- W3C trace context (a traceparent): the call that created a deployment, and the span each event
-- was written in, which the relay continues when it publishes the event.
alter table deployments add column traceparent text;
alter table events add column traceparent text;
