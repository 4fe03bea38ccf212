import type { KeyKind, KeyRule } from '../../../src/core/principal.js';

export type {
  ContentType,
  InputType,
  MetaDefinition,
  PropertyConfig,
  PropertySchema,
} from '../../../src/content-types/content-type.js';
export type { KeyKind, KeyRule };

/** A Panel user, as `/panel/api/session` describes them. */
export interface User {
  id: string;
  email: string;
  name: string;
}

export interface SessionInfo {
  user: User;
  csrfToken: string;
  /** The user's role (issue 16): what the Panel shows; the server decides. */
  role?: {
    id: string;
    name: string;
    capabilities: string[];
    /** Grants on every type (predefined roles); `internal`: on the internal types too, not only media and tags. */
    everyType?: { internal: boolean; grants: Partial<Omit<KeyRule, 'ctdName'>> } | null;
    /** Per-type rules (custom roles). */
    rules?: KeyRule[];
  };
}

/** One API key as the Panel's key endpoints return it (the only place a key value is ever shown). */
export interface ApiKey {
  id: string;
  name: string;
  kind: KeyKind;
  key: string;
  rules: KeyRule[];
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
  /** Requests per minute (null: unlimited). */
  requestLimit?: number | null;
  /** When the key stops working (null: never). */
  expiresAt?: string | null;
  /** While a rotation's grace window runs: when the previous value stops working. */
  previousValidUntil?: string | null;
  /** CIDR ranges requests must come from (empty: anywhere). */
  allowedNetworks?: string[];
  /** Origins browser requests must come from (empty: any). */
  allowedOrigins?: string[];
}

/** A key's use (GET /panel/api/keys/{id}/usage). */
export interface KeyUsage {
  days: { date: string; counts: { ctdName: string; action: string; count: number }[] }[];
  suggestions: { ctdName: string; grant: string; reason: string }[];
}

/** The limits and expiry of a key, as the Panel sends them. */
export interface KeyLimits {
  requestLimit: number | null;
  expiresAt: string | null;
  allowedNetworks: string[];
  allowedOrigins: string[];
}

/** One entry of the audit trail, as `GET /panel/api/audit` answers it. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  /** The key or user the entry is about. */
  keyId: string | null;
  keyName: string | null;
  detail: Record<string, unknown>;
}

/** Flotiq's list envelope (§3.2). */
export interface ListEnvelope<T> {
  total_count: number;
  total_pages: number;
  current_page: number;
  count: number;
  data: T[];
}

/** Where an object of a Draft & Public type is in its life; objects of other types are always `public`. */
export type PublicationStatus = 'draft' | 'public' | 'modified' | 'archived';

export interface ObjectInternal {
  contentType: string;
  createdAt: string;
  updatedAt: string;
  objectTitle?: string;
  status?: PublicationStatus;
  /** The version the world sees (-1: none). */
  publicVersion?: number;
  latestVersion?: number;
  /** '' when never published. */
  publishedAt?: string;
}

/** A content object: its id, the server-managed block, and the fields of its type. */
export interface ContentObject {
  id: string;
  internal?: ObjectInternal;
  [field: string]: unknown;
}

export interface DataSource {
  dataUrl: string;
  type: 'internal' | 'external';
}

/** A 400 body: field path → messages (Flotiq's validation format). */
export type FieldErrors = Record<string, string[]>;
