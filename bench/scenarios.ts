import { articleBody } from './seed.js';
import { articleId, categoryUrl, type Dataset, type Expected } from './dataset.js';
import type { LoadTarget } from './load.js';

export type ScenarioKey = 'list' | 'get' | 'filtered' | 'hydrate' | 'contains' | 'denied';

export interface Scenario {
  key: ScenarioKey;
  name: string;
  /** The query's label in the peers' tables (shared/bench/README.md). */
  peerLabel: string;
  target: LoadTarget;
  expectStatus: number;
  /** Problems with one real response (wrong data, wrong count): empty when it is right. */
  check(status: number, body: string): string[];
}

interface ListBody {
  total_count: number;
  count: number;
  data: { id: string; title: string; views?: number; category?: unknown[] }[];
}

function parseList(body: string): ListBody | string {
  try {
    const b = JSON.parse(body) as ListBody;
    if (!Array.isArray(b.data)) return 'no data array';
    return b;
  } catch (e) {
    return `not JSON: ${(e as Error).message}`;
  }
}

const dataUrlOf = (v: unknown): string | undefined =>
  v && typeof v === 'object' && typeof (v as { dataUrl?: unknown }).dataUrl === 'string'
    ? (v as { dataUrl: string }).dataUrl
    : undefined;

/** Request `step` ids apart, so consecutive gets hit different pages of the table and no single cached row. */
function idRotation(n: number): () => string {
  const step = [7919, 7907, 7901].find((p) => n % p !== 0) ?? 1;
  let k = 0;
  return () => {
    k = (k + step) % n;
    return `/api/v1/content/article/${articleId(k)}`;
  };
}

export function buildScenarios(ds: Dataset, exp: Expected, keys: { ro: string; rw: string }, dialect: string): Scenario[] {
  const n = exp.n;
  const ro = { 'x-auth-token': keys.ro };
  const science = categoryUrl(ds.CATEGORY_NAMES.indexOf(ds.FILTER_CATEGORY));
  const enc = (o: unknown) => encodeURIComponent(JSON.stringify(o));
  const filtered = {
    views: { type: 'greaterThan', filter: ds.FILTER_VIEWS_GT },
    'category[*].dataUrl': { type: 'equals', filter: science },
  };
  const contains = { title: { type: 'contains', filter: ds.SEARCH_WORD } };
  const sample = Math.floor(n / 2);

  return [
    {
      key: 'list',
      name: 'list 20 ordered by title',
      peerLabel: 'list 20 sorted by title',
      target: { method: 'GET', path: '/api/v1/content/article?limit=20&order_by=title', headers: ro },
      expectStatus: 200,
      check(status, body) {
        const b = parseList(body);
        if (typeof b === 'string') return [b];
        const out: string[] = [];
        if (b.total_count !== n) out.push(`total_count ${b.total_count}, expected ${n}`);
        if (b.data.length !== Math.min(20, n)) out.push(`${b.data.length} items, expected ${Math.min(20, n)}`);
        const titles = b.data.map((d) => d.title);
        const want = exp.firstTitles.slice(0, titles.length);
        if (JSON.stringify(titles) !== JSON.stringify(want)) {
          const note = dialect === 'postgres' ? ' (PostgreSQL orders by the database collation, not code units)' : '';
          out.push(
            `first titles differ from code-unit order${note}: got ${JSON.stringify(titles.slice(0, 3))}…, expected ${JSON.stringify(want.slice(0, 3))}…`,
          );
        }
        return status === 200 ? out : [`status ${status}`, ...out];
      },
    },
    {
      key: 'get',
      name: 'get one by id (rotating ids)',
      peerLabel: 'get one',
      target: { method: 'GET', path: `/api/v1/content/article/${articleId(sample)}`, headers: ro, nextPath: idRotation(n) },
      expectStatus: 200,
      check(status, body) {
        if (status !== 200) return [`status ${status}`];
        const o = JSON.parse(body) as { id?: string; title?: string };
        const a = ds.article(sample);
        const out: string[] = [];
        if (o.id !== articleId(sample)) out.push(`id ${o.id}`);
        if (o.title !== a.title) out.push(`title ${JSON.stringify(o.title)}, expected ${JSON.stringify(a.title)}`);
        return out;
      },
    },
    {
      key: 'filtered',
      name: `views > ${ds.FILTER_VIEWS_GT} and category = ${ds.FILTER_CATEGORY}`,
      peerLabel: `views > ${ds.FILTER_VIEWS_GT} and category = ${ds.FILTER_CATEGORY}`,
      target: { method: 'GET', path: `/api/v1/content/article?limit=20&filters=${enc(filtered)}`, headers: ro },
      expectStatus: 200,
      check(status, body) {
        const b = parseList(body);
        if (typeof b === 'string') return [b];
        const out: string[] = status === 200 ? [] : [`status ${status}`];
        if (b.total_count !== exp.filtered) out.push(`total_count ${b.total_count}, expected ${exp.filtered}`);
        if (b.data.length !== Math.min(20, exp.filtered))
          out.push(`${b.data.length} items, expected ${Math.min(20, exp.filtered)}`);
        const bad = b.data.filter((d) => !((d.views ?? 0) > ds.FILTER_VIEWS_GT && dataUrlOf(d.category?.[0]) === science));
        if (bad.length) out.push(`${bad.length} items do not match the filter (e.g. ${bad[0].id})`);
        return out;
      },
    },
    {
      key: 'hydrate',
      name: 'list 20 with hydrate=1',
      peerLabel: 'list 20 with category',
      target: { method: 'GET', path: '/api/v1/content/article?limit=20&hydrate=1', headers: ro },
      expectStatus: 200,
      check(status, body) {
        const b = parseList(body);
        if (typeof b === 'string') return [b];
        const out: string[] = status === 200 ? [] : [`status ${status}`];
        if (b.data.length !== Math.min(20, n)) out.push(`${b.data.length} items`);
        const flat = b.data.filter((d) => {
          const c = d.category?.[0] as { name?: unknown; id?: unknown } | undefined;
          return !c || typeof c.name !== 'string' || typeof c.id !== 'string';
        });
        if (flat.length) out.push(`${flat.length} items without a hydrated category (e.g. ${flat[0].id})`);
        return out;
      },
    },
    {
      key: 'contains',
      name: `title contains "${ds.SEARCH_WORD}"`,
      peerLabel: `title contains "${ds.SEARCH_WORD}"`,
      target: { method: 'GET', path: `/api/v1/content/article?limit=20&filters=${enc(contains)}`, headers: ro },
      expectStatus: 200,
      check(status, body) {
        const b = parseList(body);
        if (typeof b === 'string') return [b];
        const out: string[] = status === 200 ? [] : [`status ${status}`];
        if (b.total_count !== exp.contains) out.push(`total_count ${b.total_count}, expected ${exp.contains}`);
        const bad = b.data.filter((d) => !d.title.toLowerCase().includes(ds.SEARCH_WORD.toLowerCase()));
        if (bad.length) out.push(`${bad.length} titles without "${ds.SEARCH_WORD}"`);
        return out;
      },
    },
    {
      key: 'denied',
      name: 'write with the read-only key (403)',
      peerLabel: 'write with the read-only token (403)',
      target: {
        method: 'POST',
        path: '/api/v1/content/article',
        headers: { ...ro, 'content-type': 'application/json' },
        body: JSON.stringify({ ...articleBody(ds, n + 1), id: undefined }),
      },
      expectStatus: 403,
      check: (status) => (status === 403 ? [] : [`status ${status}, expected 403`]),
    },
  ];
}
