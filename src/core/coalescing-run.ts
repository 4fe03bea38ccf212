/**
 * Runs one drain at a time. A call while a drain is under way schedules exactly one more after it (shared by every
 * such call), because that drain may have looked before the caller's work existed; the promise settles when a drain
 * that started after the call has finished.
 */
export class CoalescingRun {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(private readonly drain: () => Promise<void>) {}

  run(): Promise<void> {
    if (!this.running) {
      this.running = this.drain().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.next ??= this.running.then(() => {
      this.next = undefined;
      return this.run();
    });
    return this.next;
  }

  /** Settles when the drain under way (if any) has finished. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }
}
