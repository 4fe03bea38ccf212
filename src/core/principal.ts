/** One rule of a user-defined key: what it may do with objects of one content type. */
export interface KeyRule {
  ctdName: string;
  canRead: boolean;
  canCreate: boolean;
  canUpdate: boolean;
  canDelete: boolean;
}

export type KeyKind = 'read-only' | 'read-write' | 'user-defined';

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
    }
  | { readonly kind: 'user'; readonly userId: string; readonly email: string }
  | { readonly kind: 'system' };

export const SYSTEM: Principal = Object.freeze({ kind: 'system' });
