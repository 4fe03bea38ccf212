/** One rule of a user-defined key: what it may do with objects of one content type. */
export interface KeyRule {
  ctdName: string;
  canRead: boolean;
  canCreate: boolean;
  canUpdate: boolean;
  canDelete: boolean;
  /** Read drafts (`X-MODE: preview`) of a Draft & Public type; needs canRead too. */
  canPreview?: boolean;
  /** Publish, unpublish and archive objects of a Draft & Public type. */
  canPublish?: boolean;
}

/** How a request asked to read: `X-MODE: preview` asks for the latest state, drafts included. */
export type ReadMode = 'public' | 'preview';

export type KeyKind = 'read-only' | 'read-write' | 'user-defined';

/** What a rule grants on objects of a type (a KeyRule without its type). */
export type Grants = Omit<KeyRule, 'ctdName'>;

/** Every grant: what a role with full rights holds on a type. */
export const ALL_GRANTS: Grants = Object.freeze({
  canRead: true,
  canCreate: true,
  canUpdate: true,
  canDelete: true,
  canPreview: true,
  canPublish: true,
});

/** Capability flags of a Panel role, beyond its rules on objects. */
export const CAPABILITIES = ['content-types', 'keys', 'webhooks', 'users'] as const;
export type Capability = (typeof CAPABILITIES)[number];

/**
 * The role a Panel user acts with, loaded from storage with the session on every request (decision 0021).
 * `every`: grants on every content type, present and future (the predefined roles); `internal` says whether they
 * include the internal types (`_webhooks` is reached only through the `webhooks` capability). `rules`: per-type
 * rules shaped like a user-defined key's (custom roles).
 */
export interface UserRole {
  readonly id: string;
  readonly name: string;
  readonly every?: { readonly grants: Grants; readonly internal: boolean };
  readonly rules: readonly KeyRule[];
  readonly capabilities: readonly Capability[];
}

/**
 * Who is calling. Every service method takes one explicitly: there is no "no principal means admin".
 * `system` is for internal jobs (start-up seeding, migrations); it is never produced from a request.
 */
export type Principal =
  | {
      readonly kind: 'api-key';
      readonly keyId: string;
      readonly keyKind: KeyKind;
      readonly name: string;
      readonly rules: readonly KeyRule[];
      /** The read-only key may preview where FLOTILLA_READONLY_PREVIEW=true. */
      readonly readOnlyPreview?: boolean;
      readonly mode?: ReadMode;
    }
  | {
      readonly kind: 'user';
      readonly userId: string;
      readonly email: string;
      readonly role: UserRole;
      readonly mode?: ReadMode;
    }
  | { readonly kind: 'system' };

export const SYSTEM: Principal = Object.freeze({ kind: 'system' });

/** The principal of a request that asked for `mode` (set once, where the request is identified). */
export function withMode<P extends Principal>(p: P, mode: ReadMode): P {
  return p.kind === 'system' || mode === 'public' ? p : (Object.freeze({ ...p, mode }) as P);
}
