import type { Kysely } from 'kysely';
import type { Channel } from '../port.js';
import type { Database } from './schema.js';

type Listener = (channel: Channel, payload: string) => void;

/** Cross-node invalidation signals. Local listeners always run before notify() resolves. */
export interface Signals {
  notify(channel: Channel, payload: string): Promise<void>;
  /**
   * Announces a change from inside its transaction: other nodes hear it if and only if the transaction commits
   * (PostgreSQL delivers a NOTIFY at commit). This node's listeners are told by `local` once committed.
   */
  notifyInTransaction(db: Kysely<Database>, channel: Channel, payload: string): Promise<void>;
  /** Runs this node's listeners only. */
  local(channel: Channel, payload: string): void;
  subscribe(fn: Listener): void;
  close(): Promise<void>;
}

/** Single-process signals (SQLite is single-node by nature). */
export class LocalSignals implements Signals {
  protected readonly listeners: Listener[] = [];

  async notify(channel: Channel, payload: string): Promise<void> {
    this.emit(channel, payload);
  }

  async notifyInTransaction(_db: Kysely<Database>, _channel: Channel, _payload: string): Promise<void> {}

  local(channel: Channel, payload: string): void {
    this.emit(channel, payload);
  }

  subscribe(fn: Listener): void {
    this.listeners.push(fn);
  }

  protected emit(channel: Channel, payload: string): void {
    for (const l of this.listeners) l(channel, payload);
  }

  async close(): Promise<void> {}
}
