import { ctd, dateTime, number, relation, text, type FieldSpec } from '../test/support/fixtures.js';
import { articleId, categoryId, categoryUrl, type Dataset } from './dataset.js';

export interface SeedOptions {
  baseUrl: string;
  readWriteKey: string;
  n: number;
  batchSize: number;
  /** Batch requests in flight at once. */
  concurrency: number;
  onProgress?: (done: number, total: number) => void;
  /** Polled between batches: true stops the seeding with an error. */
  shouldStop?: () => boolean;
  /** Called once (and awaited, inside the timed seeding) when `at` articles exist. */
  midway?: { at: number; fn: () => Promise<void> };
}

export interface SeedResult {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  requests: number;
}

const richtext = (o: Partial<FieldSpec> = {}): FieldSpec => ({ type: 'string', inputType: 'richtext', ...o });

/** The two content types of the data set: 20 categories, N articles each pointing at one category. */
export const categoryCtd = () => ctd('category', { name: text({ required: true, isTitlePart: true }) });
export const articleCtd = () =>
  ctd('article', {
    title: text({ required: true, isTitlePart: true }),
    body: richtext(),
    views: number(),
    published_on: dateTime(),
    category: relation('category'),
  });

/** The article i as the API receives it. */
export function articleBody(ds: Dataset, i: number) {
  const a = ds.article(i);
  return {
    id: articleId(i),
    title: a.title,
    body: a.body,
    views: a.views,
    published_on: a.published_on,
    category: [{ type: 'internal', dataUrl: categoryUrl(a.categoryIndex) }],
  };
}

async function post(opts: SeedOptions, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${opts.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': opts.readWriteKey },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST ${path} answered ${res.status}: ${text.slice(0, 500)}`);
}

/** Creates the content types (not timed), then seeds categories and articles through the batch endpoint (timed). */
export async function seed(ds: Dataset, opts: SeedOptions): Promise<SeedResult> {
  await post(opts, '/api/v1/internal/contenttype', categoryCtd());
  await post(opts, '/api/v1/internal/contenttype', articleCtd());

  const started = performance.now();
  const cats = ds.categories().map((c, i) => ({ id: categoryId(i), name: c.name }));
  await post(opts, '/api/v1/content/category/batch', cats);
  let requests = 1;

  const batches = Math.ceil(opts.n / opts.batchSize);
  let next = 0;
  let done = 0;
  let failed = false;
  let midway = opts.midway;
  const worker = async (): Promise<void> => {
    for (;;) {
      const b = next++;
      if (b >= batches || failed) return;
      if (opts.shouldStop?.()) {
        failed = true;
        throw new Error(`seeding stopped after ${done} of ${opts.n} articles: time budget exhausted`);
      }
      const from = b * opts.batchSize;
      const to = Math.min(opts.n, from + opts.batchSize);
      const items = [];
      for (let i = from; i < to; i++) items.push(articleBody(ds, i));
      try {
        await post(opts, '/api/v1/content/article/batch', items);
      } catch (e) {
        failed = true; // the other workers stop at their next batch
        throw e;
      }
      requests++;
      done += items.length;
      opts.onProgress?.(done, opts.n);
      if (midway && done >= midway.at) {
        const { fn } = midway;
        midway = undefined;
        await fn();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  const seconds = (performance.now() - started) / 1000;
  const rows = opts.n + cats.length;
  return { rows, seconds, rowsPerSecond: rows / seconds, requests };
}
