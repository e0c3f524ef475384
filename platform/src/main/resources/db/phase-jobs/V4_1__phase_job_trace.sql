-- The trace context of the event that started the job: its run continues that trace, on whichever
-- replica it runs. (4_1: after every worker's V4, before its V5.)
alter table phase_jobs add column traceparent text;
