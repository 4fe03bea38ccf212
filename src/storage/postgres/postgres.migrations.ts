import { SEARCH_SLOTS } from '../sql/search-document.js';
/** Schema migrations, applied in order at start; never edit a released entry, append a new one. */
export const postgresMigrations: string[][] = [
  [
    `CREATE TABLE content_types (
       name TEXT PRIMARY KEY,
       definition JSONB NOT NULL,
       version INTEGER NOT NULL DEFAULT 1,
       created_ms BIGINT NOT NULL,
       updated_ms BIGINT NOT NULL)`,
    `CREATE TABLE objects (
       seq BIGSERIAL PRIMARY KEY,
       type TEXT NOT NULL,
       id TEXT NOT NULL,
       id_key TEXT NOT NULL,
       data JSONB NOT NULL,
       title TEXT NOT NULL DEFAULT '',
       version INTEGER NOT NULL DEFAULT 1,
       created_ms BIGINT NOT NULL,
       updated_ms BIGINT NOT NULL,
       deleted_ms BIGINT)`,
    `CREATE UNIQUE INDEX objects_type_id ON objects (type, id_key)`,
    `CREATE INDEX objects_live_created ON objects (type, deleted_ms, created_ms, seq)`,
    `CREATE INDEX objects_live_updated ON objects (type, deleted_ms, updated_ms, seq)`,
    `CREATE TABLE object_versions (
       type TEXT NOT NULL,
       id_key TEXT NOT NULL,
       version INTEGER NOT NULL,
       data JSONB NOT NULL,
       created_ms BIGINT NOT NULL,
       PRIMARY KEY (type, id_key, version))`,
    `CREATE TABLE object_refs (
       src_type TEXT NOT NULL,
       src_key TEXT NOT NULL,
       dst_type TEXT NOT NULL,
       dst_key TEXT NOT NULL)`,
    `CREATE INDEX object_refs_src ON object_refs (src_type, src_key)`,
    `CREATE INDEX object_refs_dst ON object_refs (dst_type, dst_key)`,
    `CREATE TABLE api_keys (
       id TEXT PRIMARY KEY,
       kind TEXT NOT NULL,
       name TEXT NOT NULL,
       hmac TEXT NOT NULL UNIQUE,
       secret_enc TEXT NOT NULL,
       rules TEXT NOT NULL DEFAULT '[]',
       request_limit INTEGER,
       created_ms BIGINT NOT NULL,
       updated_ms BIGINT NOT NULL,
       last_used_ms BIGINT)`,
    `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  ],
  // 2: Panel users, sessions, the audit trail of key events
  [
    `CREATE TABLE users (
       id TEXT PRIMARY KEY,
       email TEXT NOT NULL,
       email_key TEXT NOT NULL UNIQUE,
       password_hash TEXT NOT NULL,
       name TEXT NOT NULL DEFAULT '',
       created_ms BIGINT NOT NULL,
       updated_ms BIGINT NOT NULL)`,
    `CREATE TABLE sessions (
       token_hash TEXT PRIMARY KEY,
       user_id TEXT NOT NULL,
       csrf_token TEXT NOT NULL,
       created_ms BIGINT NOT NULL,
       expires_ms BIGINT NOT NULL)`,
    `CREATE INDEX sessions_user ON sessions (user_id)`,
    `CREATE TABLE audit_events (
       seq BIGSERIAL PRIMARY KEY,
       at_ms BIGINT NOT NULL,
       actor TEXT NOT NULL,
       action TEXT NOT NULL,
       key_id TEXT,
       key_name TEXT,
       detail TEXT NOT NULL DEFAULT '{}')`,
    `CREATE INDEX audit_events_at ON audit_events (at_ms)`,
  ],
  // 3: full-text search (src/storage/postgres/postgres.search.ts; docs/decisions/0003-search-engine.md); the index is
  // filled from the stored objects at the next start (SearchService.start) because of the search:rebuild marker
  [
    `CREATE EXTENSION IF NOT EXISTS pg_trgm`,
    `CREATE TABLE search_docs (
       seq BIGINT PRIMARY KEY,
       type TEXT NOT NULL,
       keys TEXT[] NOT NULL,
       tsv TSVECTOR NOT NULL)`,
    `CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv)`,
    `CREATE INDEX search_docs_keys ON search_docs USING GIN (keys)`,
    `CREATE TABLE search_fields (
       seq BIGINT NOT NULL,
       slot SMALLINT NOT NULL,
       type TEXT NOT NULL,
       keys TEXT[] NOT NULL,
       tsv TSVECTOR NOT NULL,
       PRIMARY KEY (seq, slot))`,
    `CREATE INDEX search_fields_tsv ON search_fields USING GIN (tsv)`,
    // the listed fields of a document as one tsvector, for `fields[]` queries that must see them together
    `CREATE AGGREGATE search_tsvector_agg (tsvector) (SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '')`,
    `CREATE TABLE search_words (word TEXT PRIMARY KEY)`,
    `CREATE INDEX search_words_trgm ON search_words USING GIST (word gist_trgm_ops)`,
    `CREATE INDEX objects_live_updated_all ON objects (updated_ms, seq) WHERE deleted_ms IS NULL`,
    `CREATE INDEX objects_live_created_all ON objects (created_ms, seq) WHERE deleted_ms IS NULL`,
    `INSERT INTO meta (key, value) VALUES ('search:rebuild', '1') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
  ],
  // 4: key rules name existing types in the database itself (docs/decisions/0009-key-rows-atomic.md): a type with
  // rules on it cannot be deleted, a rule on a deleted type cannot be saved, even when the two race. Rules that
  // already outlived their type (the race this closes) are dropped, so a re-created type is not readable by them.
  [
    `CREATE TABLE key_rules (
       key_id TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
       ctd_name TEXT NOT NULL REFERENCES content_types (name) ON DELETE RESTRICT,
       PRIMARY KEY (key_id, ctd_name))`,
    `CREATE INDEX key_rules_ctd ON key_rules (ctd_name)`,
    `UPDATE api_keys SET rules = COALESCE((
       SELECT jsonb_agg(r.e ORDER BY r.i) FROM jsonb_array_elements(api_keys.rules::jsonb) WITH ORDINALITY AS r(e, i)
       WHERE r.e->>'ctdName' IN (SELECT name FROM content_types))::text, '[]')
     WHERE EXISTS (
       SELECT 1 FROM jsonb_array_elements(api_keys.rules::jsonb) AS r(e)
       WHERE r.e->>'ctdName' IS NULL OR r.e->>'ctdName' NOT IN (SELECT name FROM content_types))`,
    `INSERT INTO key_rules (key_id, ctd_name)
       SELECT DISTINCT k.id, r.e->>'ctdName' FROM api_keys AS k CROSS JOIN LATERAL jsonb_array_elements(k.rules::jsonb) AS r(e)
       WHERE r.e->>'ctdName' IN (SELECT name FROM content_types)`,
  ],
  // 5: the outbox of content events (docs/decisions/0012-events-and-webhooks.md), who last wrote each object, and
  // the webhook tables: per-webhook signing secrets and the execution log (also the delivery queue)
  [
    `CREATE TABLE events (
       seq BIGSERIAL PRIMARY KEY,
       at_ms BIGINT NOT NULL,
       kind TEXT NOT NULL,
       action TEXT NOT NULL,
       content_type TEXT NOT NULL,
       object_id TEXT,
       version INTEGER,
       actor TEXT NOT NULL,
       done_ms BIGINT)`,
    `CREATE INDEX events_pending ON events (seq) WHERE done_ms IS NULL`,
    `CREATE INDEX events_done ON events (done_ms) WHERE done_ms IS NOT NULL`,
    `ALTER TABLE objects ADD COLUMN updated_by TEXT`,
    `CREATE TABLE webhook_secrets (
       webhook_id TEXT PRIMARY KEY,
       secret_enc TEXT NOT NULL,
       created_ms BIGINT NOT NULL)`,
    `CREATE TABLE webhook_executions (
       id BIGSERIAL PRIMARY KEY,
       webhook_id TEXT NOT NULL,
       event_seq BIGINT,
       status TEXT NOT NULL,
       attempts INTEGER NOT NULL DEFAULT 0,
       http_status INTEGER,
       duration_ms INTEGER,
       error TEXT,
       action TEXT NOT NULL,
       content_type TEXT,
       object_id TEXT,
       payload TEXT NOT NULL,
       next_attempt_ms BIGINT NOT NULL,
       lease_until_ms BIGINT,
       created_ms BIGINT NOT NULL,
       updated_ms BIGINT NOT NULL)`,
    `CREATE UNIQUE INDEX webhook_executions_once ON webhook_executions (webhook_id, event_seq) WHERE event_seq IS NOT NULL`,
    `CREATE INDEX webhook_executions_due ON webhook_executions (next_attempt_ms) WHERE status = 'pending'`,
    `CREATE INDEX webhook_executions_log ON webhook_executions (webhook_id, id)`,
  ],
  // 6: Draft & Public (docs/decisions/0014-draft-and-public.md). An object of a D&P type may have two rows: its
  // latest state (`visibility` = 'latest') and what the world sees ('public'); one row serves both views ('both') when
  // they are the same, as for every object of other types. Objects of D&P types stored before are public.
  [
    `ALTER TABLE objects ADD COLUMN visibility TEXT NOT NULL DEFAULT 'both'`,
    `ALTER TABLE objects ADD COLUMN status TEXT`,
    `ALTER TABLE objects ADD COLUMN public_version INTEGER`,
    `ALTER TABLE objects ADD COLUMN published_ms BIGINT`,
    `ALTER TABLE objects ADD COLUMN unpublished_ms BIGINT`,
    `DROP INDEX objects_type_id`,
    `CREATE UNIQUE INDEX objects_type_id ON objects (type, id_key, visibility)`,
    `CREATE INDEX objects_unpublished ON objects (type, unpublished_ms) WHERE unpublished_ms IS NOT NULL`,
    `ALTER TABLE object_refs ADD COLUMN src_public INTEGER NOT NULL DEFAULT 0`,
    `ALTER TABLE object_versions ADD COLUMN published_ms BIGINT`,
    `UPDATE objects SET status = 'public', public_version = version, published_ms = updated_ms
       WHERE type IN (SELECT name FROM content_types WHERE (definition->>'draftPublic') = 'true')`,
    // rules saved before publish existed keep what they could do: publishing was part of update, preview was not
    `UPDATE api_keys SET rules = (
       SELECT jsonb_agg(r.e || jsonb_build_object('canPublish', COALESCE((r.e->>'canUpdate')::boolean, false), 'canPreview', false)
         ORDER BY r.i)
       FROM jsonb_array_elements(api_keys.rules::jsonb) WITH ORDINALITY AS r(e, i))::text
     WHERE jsonb_array_length(rules::jsonb) > 0`,
    `CREATE TABLE schedules (
       type TEXT NOT NULL,
       id_key TEXT NOT NULL,
       id TEXT NOT NULL,
       action TEXT NOT NULL,
       at_ms BIGINT NOT NULL,
       created_ms BIGINT NOT NULL,
       created_by TEXT NOT NULL,
       PRIMARY KEY (type, id_key))`,
    `CREATE INDEX schedules_due ON schedules (at_ms)`,
    // search entries now carry the row's visibility: rebuild them at the next start
    `INSERT INTO meta (key, value) VALUES ('search:rebuild', '1') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
  ],
  [
    // ids of purged objects stay listable by `removed` (a purge deletes the rows themselves)
    `CREATE TABLE removed_ids (
       type TEXT NOT NULL,
       id_key TEXT NOT NULL,
       id TEXT NOT NULL,
       removed_ms BIGINT NOT NULL,
       PRIMARY KEY (type, id_key))`,
    `CREATE INDEX removed_ids_at ON removed_ids (type, removed_ms)`,
  ],
  // 8: the retention sweep finds soft-deleted objects by their deletion time (EventWorker, hourly)
  [`CREATE INDEX objects_deleted ON objects (deleted_ms) WHERE deleted_ms IS NOT NULL`],
  // 9: who wrote each kept version (`owner`/`editor` of the versions endpoint)
  [`ALTER TABLE object_versions ADD COLUMN updated_by TEXT`],
  // 10: key lifecycle (decision 0018): expiry, the previous value during a rotation's grace window (its own HMAC and
  // end), and per-key network and origin limits (JSON arrays of CIDR ranges and origins; empty = anywhere)
  [
    `ALTER TABLE api_keys ADD COLUMN expires_ms BIGINT`,
    `ALTER TABLE api_keys ADD COLUMN prev_hmac TEXT`,
    `ALTER TABLE api_keys ADD COLUMN prev_until_ms BIGINT`,
    `ALTER TABLE api_keys ADD COLUMN allowed_networks TEXT NOT NULL DEFAULT '[]'`,
    `ALTER TABLE api_keys ADD COLUMN allowed_origins TEXT NOT NULL DEFAULT '[]'`,
    `CREATE INDEX api_keys_prev_hmac ON api_keys (prev_hmac) WHERE prev_hmac IS NOT NULL`,
  ],
  // 11: per-type write generations, bumped by every transaction that records events of the type; the page, count
  // and search-response caches are validated against them on every node (decision 0019). Rows are never deleted.
  [`CREATE TABLE type_generations (type TEXT PRIMARY KEY, gen BIGINT NOT NULL)`],
  // 12: per-key usage counts per day, content type and action (decision 0018), written in batches, kept 90 days
  [
    `CREATE TABLE key_usage (
       key_id TEXT NOT NULL,
       day TEXT NOT NULL,
       ctd_name TEXT NOT NULL,
       action TEXT NOT NULL,
       count BIGINT NOT NULL,
       PRIMARY KEY (key_id, day, ctd_name, action))`,
    `CREATE INDEX key_usage_day ON key_usage (day)`,
  ],
  // 13: Panel users' roles and invitations (issue 16, decision 0021): every existing user is an administrator
  [
    `ALTER TABLE users ADD COLUMN role_id TEXT NOT NULL DEFAULT 'administrator'`,
    `ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0`,
    `CREATE TABLE roles (
       id TEXT PRIMARY KEY,
       name TEXT NOT NULL,
       rules TEXT NOT NULL,
       capabilities TEXT NOT NULL,
       created_ms BIGINT NOT NULL,
       updated_ms BIGINT NOT NULL)`,
    `CREATE TABLE invitations (
       token_hash TEXT PRIMARY KEY,
       email TEXT NOT NULL,
       role_id TEXT NOT NULL,
       created_by TEXT NOT NULL,
       created_ms BIGINT NOT NULL,
       expires_ms BIGINT NOT NULL,
       used_ms BIGINT)`,
  ],
  // 14: search_fields' text index split by slot (decision 0003, PostgreSQL addendum): a `fields[]` search reads only the
  // postings of the listed fields' slots — one GIN over all slots handed a title search every row holding the word in
  // any field (a common body word: ~90 000 heap rows rechecked to find ~7 000 title matches)
  [
    ...Array.from(
      { length: SEARCH_SLOTS },
      (_, k) => `CREATE INDEX search_fields_tsv_${k} ON search_fields USING GIN (tsv) WHERE slot = ${k}`,
    ),
    `DROP INDEX search_fields_tsv`,
  ],
  // 15: an event the webhook fan-out handed to its node's sending stays unprocessed, leased, until the outcomes of
  // those first attempts are written (decision 0012, addendum of session 9). The lease is in no index, and pages
  // keep room, so setting it can be a HOT update (not measured).
  [`ALTER TABLE events ADD COLUMN lease_until_ms BIGINT`, `ALTER TABLE events SET (fillfactor = 90)`],
];
