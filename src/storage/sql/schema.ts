import type { Generated } from 'kysely';

/** The tables as Kysely sees them (both dialects). */
export interface Database {
  content_types: { name: string; definition: string; version: number; created_ms: number; updated_ms: number };
  objects: {
    seq: Generated<number>;
    type: string;
    id: string;
    id_key: string;
    data: unknown;
    title: string;
    version: number;
    created_ms: number;
    updated_ms: number;
    deleted_ms: number | null;
    /** `key:<id>`, `user:<id>` or `system`: who wrote the current version. */
    updated_by: string | null;
    /** 'both' (the one row of an object), or, for a D&P object whose draft differs: 'latest' and 'public'. */
    visibility: string;
    /** draft | public | modified | archived for objects of Draft & Public types; null for others. */
    status: string | null;
    public_version: number | null;
    published_ms: number | null;
    /** When the object last left the public view (unpublished or archived): `removed` in the public view. */
    unpublished_ms: number | null;
  };
  object_versions: {
    type: string;
    id_key: string;
    version: number;
    data: unknown;
    created_ms: number;
    /** Set when this version had been published (the public view lists only those). */
    published_ms: number | null;
    /** Who wrote this version (as objects.updated_by). */
    updated_by: string | null;
  };
  /** Ids of purged objects, so `removed` still reports them (pruned by the retention sweep). */
  removed_ids: { type: string; id_key: string; id: string; removed_ms: number };
  /** `src_public`: 1 for the relations of an object's public row, 0 for its latest (or only) row. */
  object_refs: { src_type: string; src_key: string; dst_type: string; dst_key: string; src_public: number };
  api_keys: {
    id: string;
    kind: string;
    name: string;
    hmac: string;
    secret_enc: string;
    rules: string;
    request_limit: number | null;
    created_ms: number;
    updated_ms: number;
    last_used_ms: number | null;
    expires_ms: number | null;
    prev_hmac: string | null;
    prev_until_ms: number | null;
    allowed_networks: string;
    allowed_origins: string;
  };
  /** Requests per key, UTC day, content type and action (batched counts, kept 90 days). */
  key_usage: { key_id: string; day: string; ctd_name: string; action: string; count: number };
  /** One row per (key, type its rules name); the foreign keys keep rules and types in step. */
  key_rules: { key_id: string; ctd_name: string };
  meta: { key: string; value: string };
  /** The outbox: one row per committed change, written in the change's transaction. */
  events: {
    seq: Generated<number>;
    at_ms: number;
    kind: string;
    action: string;
    content_type: string;
    object_id: string | null;
    version: number | null;
    actor: string;
    done_ms: number | null;
    /** Set while a consumer holds the event after its batch (it is claimed again only when this time has passed). */
    lease_until_ms: number | null;
  };
  /** A publication planned for later (one per object); executed once across nodes, cancelled by an edit. */
  schedules: {
    type: string;
    id_key: string;
    id: string;
    action: string;
    at_ms: number;
    created_ms: number;
    created_by: string;
  };
  webhook_secrets: { webhook_id: string; secret_enc: string; created_ms: number };
  webhook_executions: {
    id: Generated<number>;
    webhook_id: string;
    event_seq: number | null;
    status: string;
    attempts: number;
    http_status: number | null;
    duration_ms: number | null;
    error: string | null;
    action: string;
    content_type: string | null;
    object_id: string | null;
    payload: string;
    next_attempt_ms: number;
    lease_until_ms: number | null;
    created_ms: number;
    updated_ms: number;
  };
  users: {
    id: string;
    email: string;
    email_key: string;
    password_hash: string;
    name: string;
    created_ms: number;
    updated_ms: number;
    role_id: Generated<string>;
    disabled: Generated<number>;
  };
  roles: { id: string; name: string; rules: string; capabilities: string; created_ms: number; updated_ms: number };
  invitations: {
    token_hash: string;
    email: string;
    role_id: string;
    created_by: string;
    created_ms: number;
    expires_ms: number;
    used_ms: number | null;
  };
  sessions: { token_hash: string; user_id: string; csrf_token: string; created_ms: number; expires_ms: number };
  audit_events: {
    seq: Generated<number>;
    at_ms: number;
    actor: string;
    action: string;
    key_id: string | null;
    key_name: string | null;
    detail: string;
  };
}

/** Object ids are case-insensitive in paths (Flotiq): the unique key is the lower-cased id. */
export const idKey = (id: string) => id.toLowerCase();
