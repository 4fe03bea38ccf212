import { articleBody } from './seed.js';
import { articleId, categoryId, categoryUrl, type Dataset, type Expected } from './dataset.js';
import type { LoadTarget } from './load.js';
import { multipart, pngSize, type SeededMedia } from './media.js';
import type { SearchTerm, SearchTerms } from './search-terms.js';

/** Every scenario, in the order of the report's tables (bench/README.md describes each). */
export const SCENARIO_KEYS = [
  'list',
  'list-uncached',
  'get',
  'get-hydrate2',
  'filtered',
  'hydrate',
  'contains',
  'contains-uncached',
  'denied',
  'search-rare',
  'search-rare-uncached',
  'search-rare-fuzzy',
  'search-common',
  'search-common-fuzzy',
  'search-quantum',
  'graphql',
  'image',
  'upload',
] as const;

export type ScenarioKey = (typeof SCENARIO_KEYS)[number];

/** What answers a repeated request from memory or disk instead of doing the whole work again (the report's "cache"). */
export type CacheUse = 'page' | 'response' | 'file';

export interface Scenario {
  key: ScenarioKey;
  name: string;
  /** The query's label in the peers' tables (shared/bench/README.md); '' when the peers have no such query. */
  peerLabel: string;
  target: LoadTarget;
  expectStatus: number;
  cache?: CacheUse;
  /** Server settings for this scenario: it runs in a server process started with them (bench/run.ts). */
  serverEnv?: Record<string, string>;
  /** Measured seconds when this scenario must stay shorter than BENCH_SECONDS (it creates objects). */
  maxSeconds?: number;
  /** Requests sent (and awaited) before the capture, so the captured response is the warm one. */
  warmRequests?: number;
  /** Problems with one real response (wrong data, wrong count): empty when it is right. */
  check(status: number, body: string, res: { headers: Record<string, string>; bytes: Buffer }): string[];
}

/** What the scenarios address, known once the server runs and the data is seeded. */
export interface ScenarioContext {
  ds: Dataset;
  exp: Expected;
  terms: SearchTerms;
  keys: { ro: string; rw: string };
  dialect: string;
  /** The seeded 1200×800 PNG (image scenario); undefined skips it. */
  media?: SeededMedia;
  /** The small PNG the upload scenario sends. */
  uploadPng?: Buffer;
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

function parseJson<T>(body: string): T | string {
  try {
    return JSON.parse(body) as T;
  } catch (e) {
    return `not JSON: ${(e as Error).message}`;
  }
}

const dataUrlOf = (v: unknown): string | undefined =>
  v && typeof v === 'object' && typeof (v as { dataUrl?: unknown }).dataUrl === 'string'
    ? (v as { dataUrl: string }).dataUrl
    : undefined;

/** Request `step` ids apart, so consecutive gets hit different pages of the table and no single cached row. */
function idRotation(n: number, query = ''): () => string {
  const step = [7919, 7907, 7901].find((p) => n % p !== 0) ?? 1;
  let k = 0;
  return () => {
    k = (k + step) % n;
    return `/api/v1/content/article/${articleId(k)}${query}`;
  };
}

/** The data set's index of `article-<i+1>`, or -1. */
const indexOfId = (id: unknown) => (typeof id === 'string' && /^article-\d+$/.test(id) ? Number(id.slice(8)) - 1 : -1);

/** A hydrated relation holds the category the data set gave the article (by id and name). */
function categoryProblems(ds: Dataset, id: unknown, category: unknown): string | undefined {
  const i = indexOfId(id);
  if (i < 0) return `unexpected id ${JSON.stringify(id)}`;
  const want = ds.article(i).categoryIndex;
  const c = (Array.isArray(category) ? category[0] : undefined) as { id?: unknown; name?: unknown } | undefined;
  if (!c || c.id !== categoryId(want) || c.name !== ds.CATEGORY_NAMES[want])
    return `${String(id)}: category ${JSON.stringify(category)?.slice(0, 120)}, expected ${categoryId(want)} "${ds.CATEGORY_NAMES[want]}"`;
  return undefined;
}

/** The words of a text as the data set's ASCII text tokenizes. */
const wordSet = (s: string) => new Set(s.toLowerCase().split(/[^a-z0-9]+/));

function titleOrder(titles: string[], exp: Expected, dialect: string): string | undefined {
  const want = exp.firstTitles.slice(0, titles.length);
  if (JSON.stringify(titles) === JSON.stringify(want)) return undefined;
  const note = dialect === 'postgres' ? ' (PostgreSQL orders by the database collation, not code units)' : '';
  return `first titles differ from code-unit order${note}: got ${JSON.stringify(titles.slice(0, 3))}…, expected ${JSON.stringify(want.slice(0, 3))}…`;
}

/** `GET /api/v1/search` for one word over the articles, default or fuzzy (with the word's one-letter typo). */
function searchScenario(
  key: ScenarioKey,
  name: string,
  peerLabel: string,
  t: SearchTerm,
  fuzzy: boolean,
  ro: Record<string, string>,
  uncached = false,
): Scenario {
  const q = fuzzy ? t.typo : t.word;
  const path =
    `/api/v1/search?q=${encodeURIComponent(q)}&content_type[]=article` +
    (t.fields === 'title' ? '&fields[]=title' : '') +
    (fuzzy ? '&query_mode=fuzzy' : '');
  const expected = fuzzy ? t.fuzzyDocs : t.docs;
  const accepted = fuzzy ? t.expansion : [t.word];
  return {
    key,
    name,
    peerLabel,
    target: { method: 'GET', path, headers: ro },
    expectStatus: 200,
    // uncached: a server with the response cache off, so every request runs the search engine (issue 14)
    cache: uncached ? undefined : 'response',
    serverEnv: uncached ? { FLOTILLA_PAGE_CACHE_MB: '0' } : undefined,
    check(status, body) {
      type Hit = { score?: unknown; item?: { id?: string; title?: string; body?: string; internal?: { contentType?: string } } };
      const b = parseJson<{ total_count?: number; count?: number; data?: Hit[] }>(body);
      if (typeof b === 'string') return [b];
      const out: string[] = status === 200 ? [] : [`status ${status}`];
      if (!Array.isArray(b.data)) return [...out, 'no data array'];
      if (b.total_count !== expected)
        out.push(
          `total_count ${b.total_count}, expected ${expected} (articles with ${accepted.join('|')} in ${t.fields === 'title' ? 'the title' : 'title or body'})`,
        );
      if (b.data.length !== Math.min(20, expected)) out.push(`${b.data.length} items, expected ${Math.min(20, expected)}`);
      const bad = b.data.filter((h) => {
        const it = h.item;
        if (!it || it.internal?.contentType !== 'article' || typeof h.score !== 'number') return true;
        const words = wordSet(`${it.title ?? ''} ${t.fields === 'all' ? (it.body ?? '') : ''}`);
        return !accepted.some((w) => words.has(w));
      });
      if (bad.length) out.push(`${bad.length} hits without ${accepted.join('|')} (e.g. ${bad[0].item?.id})`);
      return out;
    },
  };
}

export function buildScenarios(c: ScenarioContext): Scenario[] {
  const { ds, exp, terms, dialect } = c;
  const n = exp.n;
  const ro = { 'x-auth-token': c.keys.ro };
  const science = categoryUrl(ds.CATEGORY_NAMES.indexOf(ds.FILTER_CATEGORY));
  const enc = (o: unknown) => encodeURIComponent(JSON.stringify(o));
  const filtered = {
    views: { type: 'greaterThan', filter: ds.FILTER_VIEWS_GT },
    'category[*].dataUrl': { type: 'equals', filter: science },
  };
  const contains = { title: { type: 'contains', filter: ds.SEARCH_WORD } };
  const sample = Math.floor(n / 2);
  // finished hydrate=0 list pages are kept in memory (src/content/page-cache.ts), on PostgreSQL too (decision 0019)
  const pageCache: CacheUse = 'page';
  const inTitle = (t: SearchTerm) => (t.fields === 'title' ? ' in titles' : '');

  const list = (key: 'list' | 'list-uncached'): Scenario => ({
    key,
    name: key === 'list' ? 'list 20 ordered by title' : 'list 20 ordered by title, page cache off',
    peerLabel: 'list 20 sorted by title',
    target: { method: 'GET', path: '/api/v1/content/article?limit=20&order_by=title', headers: ro },
    expectStatus: 200,
    cache: key === 'list' ? pageCache : undefined,
    serverEnv: key === 'list' ? undefined : { FLOTILLA_PAGE_CACHE_MB: '0' },
    check(status, body) {
      const b = parseList(body);
      if (typeof b === 'string') return [b];
      const out: string[] = [];
      if (b.total_count !== n) out.push(`total_count ${b.total_count}, expected ${n}`);
      if (b.data.length !== Math.min(20, n)) out.push(`${b.data.length} items, expected ${Math.min(20, n)}`);
      const order = titleOrder(
        b.data.map((d) => d.title),
        exp,
        dialect,
      );
      if (order) out.push(order);
      return status === 200 ? out : [`status ${status}`, ...out];
    },
  });

  const containsScenario = (key: 'contains' | 'contains-uncached'): Scenario => ({
    key,
    name: `title contains "${ds.SEARCH_WORD}"${key === 'contains' ? '' : ', page cache off'}`,
    peerLabel: `title contains "${ds.SEARCH_WORD}"`,
    target: { method: 'GET', path: `/api/v1/content/article?limit=20&filters=${enc(contains)}`, headers: ro },
    expectStatus: 200,
    cache: key === 'contains' ? pageCache : undefined,
    serverEnv: key === 'contains' ? undefined : { FLOTILLA_PAGE_CACHE_MB: '0' },
    check(status, body) {
      const b = parseList(body);
      if (typeof b === 'string') return [b];
      const out: string[] = status === 200 ? [] : [`status ${status}`];
      if (b.total_count !== exp.contains) out.push(`total_count ${b.total_count}, expected ${exp.contains}`);
      const bad = b.data.filter((d) => !d.title.toLowerCase().includes(ds.SEARCH_WORD.toLowerCase()));
      if (bad.length) out.push(`${bad.length} titles without "${ds.SEARCH_WORD}"`);
      return out;
    },
  });

  const all: Scenario[] = [
    list('list'),
    list('list-uncached'),
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
      key: 'get-hydrate2',
      name: 'get one with hydrate=2 (rotating ids)',
      peerLabel: '',
      target: {
        method: 'GET',
        path: `/api/v1/content/article/${articleId(sample)}?hydrate=2`,
        headers: ro,
        nextPath: idRotation(n, '?hydrate=2'),
      },
      expectStatus: 200,
      check(status, body) {
        const o = parseJson<{ id?: string; title?: string; category?: unknown }>(body);
        if (typeof o === 'string') return [o];
        const out: string[] = status === 200 ? [] : [`status ${status}`];
        if (o.id !== articleId(sample)) out.push(`id ${o.id}`);
        if (o.title !== ds.article(sample).title) out.push(`title ${JSON.stringify(o.title)}`);
        const cat = categoryProblems(ds, o.id, o.category);
        if (cat) out.push(`not hydrated: ${cat}`);
        return out;
      },
    },
    {
      key: 'filtered',
      name: `views > ${ds.FILTER_VIEWS_GT} and category = ${ds.FILTER_CATEGORY}`,
      peerLabel: `views > ${ds.FILTER_VIEWS_GT} and category = ${ds.FILTER_CATEGORY}`,
      target: { method: 'GET', path: `/api/v1/content/article?limit=20&filters=${enc(filtered)}`, headers: ro },
      expectStatus: 200,
      cache: pageCache,
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
    containsScenario('contains'),
    containsScenario('contains-uncached'),
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
    searchScenario(
      'search-rare',
      `search "${terms.rare.word}"${inTitle(terms.rare)} (${terms.rare.percent.toFixed(1)} % of articles)`,
      '',
      terms.rare,
      false,
      ro,
    ),
    searchScenario(
      'search-rare-uncached',
      `search "${terms.rare.word}"${inTitle(terms.rare)} (${terms.rare.percent.toFixed(1)} % of articles), response cache off`,
      '',
      terms.rare,
      false,
      ro,
      true,
    ),
    searchScenario(
      'search-rare-fuzzy',
      `search "${terms.rare.typo}"${inTitle(terms.rare)}, fuzzy (${((100 * terms.rare.fuzzyDocs) / n).toFixed(1)} %)`,
      '',
      terms.rare,
      true,
      ro,
    ),
    searchScenario(
      'search-common',
      `search "${terms.common.word}"${inTitle(terms.common)} (${terms.common.percent.toFixed(1)} % of articles)`,
      '',
      terms.common,
      false,
      ro,
    ),
    searchScenario(
      'search-common-fuzzy',
      `search "${terms.common.typo}"${inTitle(terms.common)}, fuzzy (${((100 * terms.common.fuzzyDocs) / n).toFixed(1)} %)`,
      '',
      terms.common,
      true,
      ro,
    ),
    searchScenario(
      'search-quantum',
      `search "${ds.SEARCH_WORD}" (title or body)`,
      `search "${ds.SEARCH_WORD}" (title or body)`,
      terms.quantum,
      false,
      ro,
    ),
    {
      key: 'graphql',
      name: 'GraphQL: 20 articles by title with category',
      peerLabel: '',
      target: {
        method: 'POST',
        path: '/api/v2/graphql',
        headers: { ...ro, 'content-type': 'application/json' },
        body: JSON.stringify({
          query: '{ article(first: 20, order_by: "title") { totalCount edges { node { id title category { id name } } } } }',
        }),
      },
      expectStatus: 200,
      check(status, body) {
        type Node = { id?: string; title?: string; category?: unknown };
        const b = parseJson<{ data?: { article?: { totalCount?: number; edges?: { node?: Node }[] } }; errors?: unknown }>(body);
        if (typeof b === 'string') return [b];
        const out: string[] = status === 200 ? [] : [`status ${status}`];
        if (b.errors) out.push(`errors: ${JSON.stringify(b.errors).slice(0, 300)}`);
        const conn = b.data?.article;
        if (!conn || !Array.isArray(conn.edges)) return [...out, 'no data.article.edges'];
        if (conn.totalCount !== n) out.push(`totalCount ${conn.totalCount}, expected ${n}`);
        if (conn.edges.length !== Math.min(20, n)) out.push(`${conn.edges.length} edges, expected ${Math.min(20, n)}`);
        const nodes = conn.edges.map((e) => e.node ?? {});
        const order = titleOrder(
          nodes.map((x) => x.title ?? ''),
          exp,
          dialect,
        );
        if (order) out.push(order);
        const cats = nodes.map((x) => categoryProblems(ds, x.id, x.category)).filter((x) => x !== undefined);
        if (cats.length) out.push(`${cats.length} nodes with a wrong category (e.g. ${cats[0]})`);
        return out;
      },
    },
  ];

  if (c.media) {
    const m = c.media;
    const want = { width: 400, height: Math.round((m.height * 400) / m.width) };
    all.push({
      key: 'image',
      name: `image ${m.width}×${m.height} PNG at 400x0, stored rendition`,
      peerLabel: '',
      // public, as Flotiq's image URLs are: no key
      target: { method: 'GET', path: `/image/400x0/${m.id}.png`, headers: {}, binaryResponse: true },
      expectStatus: 200,
      cache: 'file',
      warmRequests: 1,
      check(status, _body, res) {
        const out: string[] = status === 200 ? [] : [`status ${status}`];
        if (res.headers['content-type'] !== 'image/png') out.push(`content-type ${res.headers['content-type']}`);
        const size = pngSize(res.bytes);
        if (!size) out.push('not a PNG');
        else if (size.width !== want.width || Math.abs(size.height - want.height) > 1)
          out.push(`${size.width}×${size.height}, expected ${want.width}×${want.height}`);
        // the server says whether it rendered (MISS) or read the kept rendition (HIT); after the warm request it must not render
        if (res.headers['x-flotilla-cache'] === 'MISS')
          out.push('rendered again after the warm request (x-flotilla-cache: MISS)');
        return out;
      },
    });
  }

  if (c.uploadPng) {
    const size = pngSize(c.uploadPng);
    const m = multipart(c.uploadPng, 'bench-upload.png', 'image/png');
    all.push({
      key: 'upload',
      name: `upload a ${size?.width}×${size?.height} PNG (${c.uploadPng.length} B)`,
      peerLabel: '',
      target: {
        method: 'POST',
        path: '/api/media',
        headers: { 'x-auth-token': c.keys.rw, 'content-type': m.contentType },
        body: m.body,
      },
      expectStatus: 200,
      maxSeconds: 3,
      check(status, body) {
        const o = parseJson<{ id?: unknown; mimeType?: unknown; width?: unknown; height?: unknown; extension?: unknown }>(body);
        if (typeof o === 'string') return [o];
        const out: string[] = status === 200 ? [] : [`status ${status}`];
        if (typeof o.id !== 'string' || !o.id.startsWith('_media-')) out.push(`id ${JSON.stringify(o.id)}`);
        if (o.mimeType !== 'image/png' || o.extension !== 'png')
          out.push(`mimeType ${String(o.mimeType)}, extension ${String(o.extension)}`);
        if (o.width !== size?.width || o.height !== size?.height) out.push(`stored ${String(o.width)}×${String(o.height)}`);
        return out;
      },
    });
  }

  const order = (s: Scenario) => SCENARIO_KEYS.indexOf(s.key);
  return all.sort((a, b) => order(a) - order(b));
}

/**
 * The order scenarios run in: those needing other server settings first (the server they need also seeds), then
 * the default server's, the upload last of all because it creates objects (and invalidates the search counts).
 */
export function runOrder(scenarios: Scenario[]): Scenario[] {
  const rank = (s: Scenario) => (s.serverEnv ? 0 : s.key === 'upload' ? 2 : 1);
  return [...scenarios].sort((a, b) => rank(a) - rank(b));
}
