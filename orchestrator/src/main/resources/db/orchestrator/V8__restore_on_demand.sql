-- A RESTORE deployment (slipway backups restore SET) names the backup set it puts back.
alter table deployments add column restore_set_id uuid;
