-- slipway backups show lists the restores made from a set.
create index restores_of_set on restores (set_id, id);
