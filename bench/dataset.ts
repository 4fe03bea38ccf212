import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** One article as `shared/bench/dataset.mjs` generates it. */
export interface DatasetArticle {
  title: string;
  body: string;
  views: number;
  published_on: string;
  categoryIndex: number;
}

/** The typed surface of `shared/bench/dataset.mjs` (a plain ES module without types). */
export interface Dataset {
  CATEGORY_NAMES: readonly string[];
  SEARCH_WORD: string;
  FILTER_VIEWS_GT: number;
  FILTER_CATEGORY: string;
  categories(): { name: string }[];
  article(i: number): DatasetArticle;
}

/** The repository root (bench/..). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `shared/` lives beside the repository (locally /work/shared, in CI beside the clone). */
export const sharedDir = path.resolve(repoRoot, '../shared');

export async function loadDataset(): Promise<Dataset> {
  const file = path.join(sharedDir, 'bench/dataset.mjs');
  if (!existsSync(file)) throw new Error(`benchmark data set not found at ${file} (shared/ must sit beside the repository)`);
  const mod: Dataset = await import(pathToFileURL(file).href);
  return mod;
}

/** Object ids used when seeding: stable, so scenarios can address any article without listing first. */
export const articleId = (i: number) => `article-${i + 1}`;
export const categoryId = (i: number) => `category-${i + 1}`;
export const categoryUrl = (i: number) => `/api/v1/content/category/${categoryId(i)}`;

/** What the data set says some queries must return, computed in a single pass over the N articles. */
export interface Expected {
  n: number;
  filtered: number;
  contains: number;
  /** The 20 smallest titles (code-unit order, as SQLite's BINARY collation compares ASCII). */
  firstTitles: string[];
}

export function expectedFor(ds: Dataset, n: number): Expected {
  const science = ds.CATEGORY_NAMES.indexOf(ds.FILTER_CATEGORY);
  const word = ds.SEARCH_WORD.toLowerCase();
  let filtered = 0;
  let contains = 0;
  let smallest: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = ds.article(i);
    if (a.views > ds.FILTER_VIEWS_GT && a.categoryIndex === science) filtered++;
    if (a.title.toLowerCase().includes(word)) contains++;
    if (smallest.length < 20 || a.title < smallest[smallest.length - 1]) {
      smallest.push(a.title);
      smallest.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      smallest = smallest.slice(0, 20);
    }
  }
  return { n, filtered, contains, firstTitles: smallest };
}
