import type { Storage } from '../storage/port.js';
import { redact } from '../http/redact.js';

export type Readiness = { ready: true } | { ready: false; reason: string };

export interface ReadinessLog {
  warn(obj: object, msg: string): void;
  info(msg: string): void;
}

/** Settles as `p`, or rejects after `ms` (a database that hangs must not hang the probe that asks about it). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/**
 * What `GET /ready` answers (decision 0023): ready while the database answers a query within the bound and holds
 * every migration this build knows, and the process is not shutting down. The reason in the answer is one of a few
 * fixed phrases; the database's own error (which may name hosts or users) goes to the log, once per change of state.
 * It reads no content, so it takes no Principal: the probe is public and learns only ready or not.
 */
export class ReadinessService {
  private draining = false;
  private last: string | undefined = undefined;

  constructor(
    private readonly storage: Storage,
    private readonly log: ReadinessLog,
    private readonly timeoutMs = 2000,
  ) {}

  /** From now on not ready: the process is shutting down and load balancers should send nothing more. */
  drain(): void {
    this.draining = true;
  }

  async check(): Promise<Readiness> {
    if (this.draining) return { ready: false, reason: 'shutting down' };
    let reason: string | undefined;
    let detail: string | undefined;
    try {
      const s = await withTimeout(this.storage.schemaState(), this.timeoutMs, 'schema version');
      if (s.current < s.latest) reason = `migrations pending (database at ${s.current} of ${s.latest})`;
    } catch (e) {
      reason = 'database unreachable';
      detail = redact((e as Error).message);
    }
    this.transition(reason, detail);
    return reason === undefined ? { ready: true } : { ready: false, reason };
  }

  private transition(reason: string | undefined, detail: string | undefined): void {
    if (reason === this.last) return;
    if (reason === undefined) this.log.info('ready again');
    else this.log.warn({ reason, ...(detail ? { err: { message: detail } } : {}) }, 'not ready');
    this.last = reason;
  }
}
