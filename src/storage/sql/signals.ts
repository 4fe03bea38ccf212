import type { Channel } from '../port.js';

type Listener = (channel: Channel, payload: string) => void;

/** Cross-node invalidation signals. Local listeners always run before notify() resolves. */
export interface Signals {
  notify(channel: Channel, payload: string): Promise<void>;
  subscribe(fn: Listener): void;
  close(): Promise<void>;
}

/** Single-process signals (SQLite is single-node by nature). */
export class LocalSignals implements Signals {
  protected readonly listeners: Listener[] = [];

  async notify(channel: Channel, payload: string): Promise<void> {
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
