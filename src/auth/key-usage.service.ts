import { canManageKeys } from '../access/policy.js';
import type { Clock } from '../core/clock.js';
import { errors } from '../core/errors.js';
import type { KeyRule } from '../core/principal.js';
import type { Principal } from '../core/principal.js';
import type { KeyUsageRow, Storage } from '../storage/port.js';

/** What a key did: the object operations its grants allow; `*` stands for several types at once (search, GraphQL). */
export type UsageAction = 'read' | 'create' | 'update' | 'delete' | 'preview' | 'publish';

export interface UsageDay {
  date: string;
  counts: { ctdName: string; action: string; count: number }[];
}

export interface Suggestion {
  ctdName: string;
  grant: string;
  reason: string;
}

export interface UsageView {
  days: UsageDay[];
  suggestions: Suggestion[];
}

const DAY_MS = 24 * 3600_000;
/** Counts older than this are forgotten. */
export const KEEP_DAYS = 90;
/** A grant unused this long is suggested for removal. */
export const UNUSED_DAYS = 30;
/** An application key read from on at least this many of the last 30 days is "in daily use". */
const DAILY_USE_DAYS = 7;
/** Distinct (key, day, type, action) counters one node holds before it writes them out early. */
const MAX_PENDING = 10_000;

const GRANT_OF: Record<UsageAction, keyof Omit<KeyRule, 'ctdName'>> = {
  read: 'canRead',
  create: 'canCreate',
  update: 'canUpdate',
  delete: 'canDelete',
  preview: 'canPreview',
  publish: 'canPublish',
};

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Per-key usage counts: requests are counted in memory as they finish (off their path) and written in batches,
 * one transaction per flush, every few seconds and at shutdown; kept 90 days. Read by the Panel with the
 * suggestions they lead to: grants unused for 30 days, and application keys in daily use that a narrower
 * user-defined key could replace.
 */
export class KeyUsageService {
  private pending = new Map<string, KeyUsageRow>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private prunedDay = '';
  /** The UTC day counted into, and the span of time it covers (made again when the clock leaves it). */
  private day = { name: '', from: 0, to: -1 };

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly onError: (e: unknown) => void = () => undefined,
  ) {}

  /** Counts one use (in memory only). */
  count(keyId: string, ctdName: string, action: UsageAction): void {
    const day = this.today();
    const id = `${keyId}\u0000${day}\u0000${ctdName}\u0000${action}`;
    const row = this.pending.get(id);
    if (row) row.count++;
    else this.pending.set(id, { keyId, day, ctdName, action, count: 1 });
    if (this.pending.size >= MAX_PENDING) void this.flush();
  }

  /** Today's UTC day (YYYY-MM-DD), worked out once a day rather than at every request. */
  private today(): string {
    const now = this.clock.now();
    if (now < this.day.from || now > this.day.to) {
      const from = now - (now % DAY_MS);
      this.day = { name: dayOf(now), from, to: from + DAY_MS - 1 };
    }
    return this.day.name;
  }

  /** Writes what this node counted so far, in one transaction; once a day, forgets counts older than 90 days. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const rows = [...this.pending.values()];
      this.pending = new Map();
      try {
        await this.storage.addKeyUsage(rows);
        const today = dayOf(this.clock.now());
        if (today !== this.prunedDay) {
          await this.storage.pruneKeyUsage(dayOf(this.clock.now() - KEEP_DAYS * DAY_MS));
          this.prunedDay = today;
        }
      } catch (e) {
        this.onError(e);
      }
    });
    return this.flushing;
  }

  start(everyMs = 5000): void {
    this.timer = setInterval(() => void this.flush(), everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /**
   * The key's counts for the last `days` days (today included, every day listed, oldest first) and the
   * suggestions. This node's pending counts are written first; other nodes' arrive within their flush interval.
   */
  async usage(
    p: Principal,
    key: { id: string; kind: string; rules: readonly KeyRule[]; createdMs: number },
    days: number,
  ): Promise<UsageView> {
    if (!canManageKeys(p)) throw errors.forbidden();
    await this.flush();
    const now = this.clock.now();
    const span = Math.max(days, UNUSED_DAYS);
    const rows = await this.storage.keyUsage(key.id, dayOf(now - (span - 1) * DAY_MS));
    const out: UsageDay[] = [];
    for (let i = days - 1; i >= 0; i--) {
      const date = dayOf(now - i * DAY_MS);
      out.push({
        date,
        counts: rows.filter((r) => r.day === date).map((r) => ({ ctdName: r.ctdName, action: r.action, count: r.count })),
      });
    }
    const recent = rows.filter((r) => r.day >= dayOf(now - (UNUSED_DAYS - 1) * DAY_MS));
    return { days: out, suggestions: suggestionsFor(key, recent, now) };
  }
}

/** What the last 30 days of counts suggest for a key (see KeyUsageService). */
export function suggestionsFor(
  key: { kind: string; rules: readonly KeyRule[]; createdMs: number },
  recent: KeyUsageRow[],
  now: number,
): Suggestion[] {
  const used = new Set(recent.filter((r) => r.count > 0).map((r) => `${r.ctdName}\u0000${r.action}`));
  const out: Suggestion[] = [];
  if (key.kind === 'user-defined') {
    // a grant can only have gone unused for 30 days on a key that is at least that old
    if (now - key.createdMs < UNUSED_DAYS * DAY_MS) return out;
    const readAll = used.has('*\u0000read');
    for (const rule of key.rules) {
      for (const [action, grant] of Object.entries(GRANT_OF) as [UsageAction, keyof Omit<KeyRule, 'ctdName'>][]) {
        if (rule[grant] !== true || used.has(`${rule.ctdName}\u0000${action}`)) continue;
        // a read of drafts is counted as `preview`, and it is a read too
        if (action === 'read' && used.has(`${rule.ctdName}\u0000preview`)) continue;
        // search and GraphQL read several types at once: a key that used them may read any of its types
        if ((action === 'read' || action === 'preview') && readAll) continue;
        out.push({
          ctdName: rule.ctdName,
          grant,
          reason: `${action} on \`${rule.ctdName}\` — never used in the last ${UNUSED_DAYS} days`,
        });
      }
    }
    return out;
  }
  // an application key: one a website reads with daily, and that never writes, is better replaced by a read key
  const reads = recent.filter((r) => (r.action === 'read' || r.action === 'preview') && r.ctdName !== '*');
  const writes = recent.some((r) => r.action !== 'read' && r.action !== 'preview');
  const readDays = new Set(reads.map((r) => r.day)).size;
  if (writes || readDays < DAILY_USE_DAYS) return out;
  for (const type of [...new Set(reads.map((r) => r.ctdName))].sort()) {
    out.push({
      ctdName: type,
      grant: 'canRead',
      reason: `The ${key.kind} key read \`${type}\` on ${readDays} of the last ${UNUSED_DAYS} days and wrote nothing: a user-defined key with read on the types it reads would expose nothing else`,
    });
  }
  return out;
}
