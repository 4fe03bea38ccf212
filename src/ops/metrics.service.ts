import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CacheStats } from '../core/cache-stats.js';
import type { Storage } from '../storage/port.js';
import { withTimeout } from './readiness.service.js';

/** Where an answer came from: the route's pattern, never the URL asked for (ids, keys and typos stay out). */
export interface ObservedRequest {
  method: string;
  /** The pattern of the route that answered (`/api/v1/content/:type/:id`); undefined when none matched. */
  route: string | undefined;
  status: number;
  seconds: number;
}

export interface MetricsSources {
  storage: Storage;
  /** The in-memory caches by name: page, count, search, search_total. */
  caches: Readonly<Record<string, CacheStats>>;
}

/** Requests that matched no route share one label, so random URLs cannot add series. */
export const UNMATCHED = '(unmatched)';
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A scrape must answer even while the database does not: its gauges are then NaN. */
const QUERY_TIMEOUT_MS = 2000;

/**
 * The Prometheus registry of one app (decision 0023). Request counts and latencies are recorded as answers go; cache
 * ratios, queue depths and connections are read when scraped (a counter read, two indexed counts, the pool's numbers).
 * Label values come from fixed sets only: route patterns, methods, status codes, cache names.
 */
export class MetricsService {
  private readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'flotilla_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'flotilla_http_request_duration_seconds',
      help: 'Time to answer HTTP requests, by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    const caches = Object.entries(sources.caches);
    new Counter({
      name: 'flotilla_cache_lookups_total',
      help: 'Lookups of the in-memory caches since start, by cache and result (hit or miss)',
      labelNames: ['cache', 'result'],
      registers,
      collect() {
        this.reset();
        for (const [cache, s] of caches) {
          this.inc({ cache, result: 'hit' }, s.hits);
          this.inc({ cache, result: 'miss' }, s.misses);
        }
      },
    });
    new Gauge({
      name: 'flotilla_cache_hit_ratio',
      help: 'Hits / lookups of each in-memory cache since start (absent before its first lookup)',
      labelNames: ['cache'],
      registers,
      collect() {
        this.reset();
        for (const [cache, s] of caches) if (s.hits + s.misses > 0) this.set({ cache }, s.hits / (s.hits + s.misses));
      },
    });
    const { storage } = sources;
    const counted = (name: string, help: string, count: () => Promise<number>) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          try {
            this.set(await withTimeout(count(), QUERY_TIMEOUT_MS, name));
          } catch {
            // the database does not answer: unknown (NaN) rather than a stale or a false 0 (/ready says why)
            this.set(Number.NaN);
          }
        },
      });
    counted('flotilla_webhook_queue_depth', 'Webhook executions pending (due now or waiting for a retry)', () =>
      storage.webhooks.countPending(),
    );
    counted('flotilla_events_pending', 'Content events committed and not yet processed (the outbox backlog)', () =>
      storage.pendingEvents(),
    );
    new Gauge({
      name: 'flotilla_db_pool_connections',
      help: `Database connections by state (${storage.dialect === 'postgres' ? 'the pg pool: max, total, idle, waiting' : 'SQLite: one connection, max and total'})`,
      labelNames: ['state'],
      registers,
      collect() {
        this.reset();
        const c = storage.connections();
        this.set({ state: 'max' }, c.max);
        this.set({ state: 'total' }, c.total);
        if (c.idle !== undefined) this.set({ state: 'idle' }, c.idle);
        if (c.waiting !== undefined) this.set({ state: 'waiting' }, c.waiting);
      },
    });
    if (storage.dialect === 'sqlite') {
      new Gauge({
        name: 'flotilla_db_file_bytes',
        help: 'Bytes of the SQLite database file and its write-ahead log',
        registers,
        collect() {
          const bytes = storage.connections().fileBytes;
          if (bytes !== undefined) this.set(bytes);
        },
      });
    }
  }

  /** Counts one answered request under its route pattern. */
  observe(r: ObservedRequest): void {
    const route = r.route ?? UNMATCHED;
    this.requests.inc({ method: r.method, route, status: String(r.status) });
    this.duration.observe({ method: r.method, route }, r.seconds);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text of every family. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
