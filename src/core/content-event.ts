import type { Principal } from './principal.js';

/** What happened: object and definition changes, and (Draft & Public) an object's publication changing. */
export type EventAction = 'create' | 'update' | 'delete' | 'purge' | 'publish' | 'unpublish' | 'archive';

/**
 * One committed change, written to the outbox (`events`) in the transaction that made it: an event exists if and
 * only if its change committed. Everything that reacts to writes reads these, never the writers.
 */
export interface ContentEvent {
  seq: number;
  /** An object of `contentType` changed, or the definition of `contentType` did. */
  kind: 'object' | 'type';
  action: EventAction;
  contentType: string;
  /** The object's id as stored (null for definition events). */
  objectId: string | null;
  /** The object's version after the change (null for deletions and definition events). */
  version: number | null;
  /** Who made the change: `key:<id>`, `user:<id>` or `system`. */
  actor: string;
  atMs: number;
  /**
   * Set when claimed from the outbox after an earlier claim held the event and did not finish it before its lease ran
   * out (EventConsumer's `hold`): part of what that claim began may be done.
   */
  heldBefore?: boolean;
}

export type NewEvent = Omit<ContentEvent, 'seq' | 'atMs' | 'actor' | 'heldBefore'>;

/** A committed change as other nodes hear of it (no ids: caches invalidate per type). */
export interface ChangeNotice {
  kind: 'object' | 'type';
  contentType: string;
}

/** The actor string recorded with an event for a principal. */
export function actorOf(p: Principal): string {
  switch (p.kind) {
    case 'api-key':
      return `key:${p.keyId}`;
    case 'user':
      return `user:${p.userId}`;
    case 'system':
      return 'system';
  }
}

/** The distinct (kind, type) pairs of some events: what caches need to hear. */
export function noticesOf(events: readonly Pick<ContentEvent, 'kind' | 'contentType'>[]): ChangeNotice[] {
  const seen = new Map<string, ChangeNotice>();
  for (const e of events) seen.set(`${e.kind}\0${e.contentType}`, { kind: e.kind, contentType: e.contentType });
  return [...seen.values()];
}
