-- Bearer tokens: only a keyed hash of the secret is kept.
create table tokens (
    id           uuid primary key,
    name         text        not null,
    hash         bytea       not null unique,
    scopes       text        not null,
    created_by   text        not null,
    created_at   timestamptz not null,
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
create unique index tokens_active_name on tokens (name) where revoked_at is null;

-- Named secrets, each encrypted under the master keyset with its name as associated data.
-- Names with a colon (slipway:...) are Slipway's own keys and never listed.
create table secrets (
    name       text primary key,
    ciphertext bytea       not null,
    version    bigint      not null,
    updated_at timestamptz not null,
    updated_by text        not null
);
