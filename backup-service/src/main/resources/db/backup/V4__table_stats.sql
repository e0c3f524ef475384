-- Each table of a database item as counted when its set was taken: what a restore's loss
-- estimate compares. rows is exact when exact, else pg_stat_user_tables.n_live_tup; the tuple
-- counters are pg_stat_user_tables' cumulative n_tup_ins, n_tup_upd and n_tup_del.
create table backup_table_stats (
    set_id     uuid    not null references backup_sets (id),
    item_index int     not null,
    table_name text    not null,
    row_count  bigint  not null,
    exact      boolean not null,
    inserted   bigint  not null,
    updated    bigint  not null,
    deleted    bigint  not null,
    primary key (set_id, item_index, table_name)
);
