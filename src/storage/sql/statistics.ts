/**
 * Keeps the query planners' statistics fresh. Neither SQLite (never on its own) nor a PostgreSQL without autovacuum
 * gathers them, and without them both pick full scans over the per-type indexes as a type grows. After a doubling
 * number of writes (1 000, 2 000, … capped at 50 000) the dialect's ANALYZE runs in the background.
 */
export class PlannerStatistics {
  private writes = 0;
  private threshold = 1000;
  private running = false;

  constructor(private readonly analyze: () => Promise<void>) {}

  noteWrites(n = 1): void {
    this.writes += n;
    if (this.writes < this.threshold || this.running) return;
    this.writes = 0;
    this.threshold = Math.min(this.threshold * 2, 50_000);
    void this.refresh();
  }

  /** Runs ANALYZE now (at start, and from noteWrites); never throws. */
  async refresh(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.analyze();
    } catch {
      // statistics are an optimisation: a failed ANALYZE (e.g. during shutdown) must not fail a write
    } finally {
      this.running = false;
    }
  }
}
