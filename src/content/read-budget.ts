import { setImmediate as nextTurn } from 'node:timers/promises';
import { AppError } from '../core/errors.js';

/** Bounds on one read (list, get, search); see docs/decisions/0010-read-budgets.md. */
export interface ReadLimits {
  /** Related objects one response may inline through hydration, counted per occurrence. */
  maxObjects: number;
  /** Bytes of JSON one response may carry. */
  maxBytes: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = Object.freeze({ maxObjects: 10_000, maxBytes: 4 * 1024 * 1024 });

const HOW = 'ask for fewer objects per page (a lower limit) or less depth (a lower hydrate)';

/**
 * The running cost of one read, checked as it grows: each check comes before the work it measures (loading,
 * parsing and serialising the next level), so a read over budget costs little more than counting.
 */
export class ReadBudget {
  private objects = 0;
  private bytes = 0;

  constructor(
    private readonly limits: ReadLimits,
    /** Objects asked for at the top level (the page), for the hint in the error. */
    private readonly pageSize: number,
  ) {}

  addObjects(n: number): void {
    this.objects += n;
    if (this.objects <= this.limits.maxObjects) return;
    throw budgetError(
      'FLOTILLA_HYDRATE_MAX_OBJECTS',
      `This read would inline ${this.objects} related objects; at most ${this.limits.maxObjects} are allowed per request`,
      this.limits.maxObjects,
      this.objects,
      this.fitting(this.limits.maxObjects, this.objects),
    );
  }

  addBytes(n: number): void {
    this.bytes += n;
    if (this.bytes <= this.limits.maxBytes) return;
    throw budgetError(
      'FLOTILLA_RESPONSE_MAX_BYTES',
      `This response would be about ${this.bytes} bytes; at most ${this.limits.maxBytes} are allowed per request`,
      this.limits.maxBytes,
      this.bytes,
      this.fitting(this.limits.maxBytes, this.bytes),
    );
  }

  /** A page size that would roughly fit at the same depth, when the page is what grew too large. */
  private fitting(max: number, needed: number): number | undefined {
    const n = Math.floor((this.pageSize * max) / needed);
    return this.pageSize > 1 && n >= 1 ? n : undefined;
  }
}

function budgetError(limit: string, what: string, max: number, needed: number, fits: number | undefined): AppError {
  const hint = fits === undefined ? '' : ` (about limit=${fits} fits at this depth)`;
  return new AppError(400, { code: 400, message: `${what} (${limit}): ${HOW}${hint}`, limit, max, needed });
}

/** Longest stretch of synchronous work a read does before letting other requests run. */
const SLICE_MS = 4;

/**
 * Cuts long synchronous loops into slices: `due()` returns a promise to await when the current slice has run
 * long enough, so a heavy read never holds the event loop for more than a few milliseconds at a time.
 */
export class Slicer {
  private since = performance.now();

  due(): Promise<void> | undefined {
    if (performance.now() - this.since < SLICE_MS) return undefined;
    return this.turn();
  }

  /** Lets other work run now, whatever this slice has taken (a new slice starts after). */
  turn(): Promise<void> {
    return nextTurn().then(() => {
      this.since = performance.now();
    });
  }
}
