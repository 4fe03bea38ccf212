import { createHash } from 'node:crypto';
import type { ContentType, FieldInfo, InputType } from '../../content-types/content-type.js';
import { describeFields } from '../../content-types/describe-fields.js';
import { vocabularyWords } from '../../core/search-words.js';

/**
 * What the search index holds for one object, computed the same way by both storage adapters. Text goes into
 * per-field "slots" (FTS5 columns in SQLite, per-field rows in PostgreSQL) so that `fields[]` and boosts work;
 * exact-value filters and the type scope become opaque "key" tokens, so that both are answered by the index itself.
 */

/** Text slots per object; a type's 17th and later text fields share the last slot. */
export const SEARCH_SLOTS = 16;

/** Fields whose string values are searchable text. */
const TEXT_INPUTS: ReadonlySet<InputType> = new Set([
  'text',
  'textarea',
  'textMarkdown',
  'richtext',
  'email',
  'select',
  'radio',
  'simpleList',
]);

/** Bounds per object, so one huge document cannot make a write (or the vocabulary) explode. */
const MAX_KEYS = 256;
const MAX_WORDS = 2000;

export interface SlotField {
  name: string;
  slot: number;
  /** richtext: HTML tags are stripped before indexing. */
  html: boolean;
}

export interface SearchLayout {
  fields: readonly SlotField[];
  /** Equal signatures index identically; a changed signature means the type must be reindexed. */
  signature: string;
}

export interface SearchDocument {
  /** SEARCH_SLOTS texts ('' where a slot is empty). */
  slots: string[];
  /** The type token and one token per (field, scalar value). */
  keys: string[];
  /** Distinct words for the fuzzy vocabulary. */
  words: string[];
}

export function searchLayout(fields: readonly FieldInfo[]): SearchLayout {
  const text = fields.filter((f) => TEXT_INPUTS.has(f.inputType));
  const out = text.map((f, i) => ({ name: f.name, slot: Math.min(i, SEARCH_SLOTS - 1), html: f.inputType === 'richtext' }));
  return { fields: out, signature: JSON.stringify(out.map((f) => [f.name, f.slot, f.html])) };
}

// Parsing a definition and describing its fields costs more than a write; the text of the definition is the key.
const layouts = new Map<string, SearchLayout>();

/** The layout of a stored definition (JSON text of a ContentType). */
export function layoutOfDefinition(definition: string): SearchLayout {
  let layout = layouts.get(definition);
  if (!layout) {
    layout = searchLayout(describeFields(JSON.parse(definition) as ContentType));
    if (layouts.size >= 256) layouts.clear();
    layouts.set(definition, layout);
  }
  return layout;
}

// Tokens are hex with a trailing digit: no stemmer suffix rule can touch them, so index and query agree.
const token = (prefix: string, s: string) => `${prefix}${createHash('sha1').update(s).digest('hex').slice(0, 20)}0`;

export const typeToken = (type: string) => token('t', type);

/** The token of one exact field value (as the canonical text of a scalar). */
export const valueToken = (field: string, canonical: string) => token('v', `${field}\u0000${canonical}`);

function canonical(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

/** The texts a filter value may match: itself, and for numeric text also the number's canonical form ("5.0" → "5"). */
export function filterVariants(raw: string): string[] {
  const out = [raw];
  if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw.trim())) out.push(String(Number(raw)));
  return [...new Set(out)];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The text of an HTML fragment: scripts and styles dropped, tags become spaces, common entities decoded. */
export function stripTags(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? m;
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : ' ';
    });
}

function fieldText(value: unknown, html: boolean): string {
  const parts = Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : typeof value === 'string'
      ? [value]
      : [];
  const text = parts.join('\n');
  return html ? stripTags(text) : text;
}

/**
 * The tokens of a row's visibility: alone, and with its type (a view of several types filters on the latter). A
 * search sees a row when it holds one of the view's tokens (viewTokens).
 */
export function visibilityTokens(type: string, visibility: string): string[] {
  return visibility === 'both' ? [token('w', 'both')] : [token('w', visibility), token('w', `${visibility}\u0000${type}`)];
}

// every document of a type carries the same type and visibility tokens: hashed once, not once per write
const rowTokens = new Map<string, string[]>();

function typeAndVisibilityTokens(type: string, visibility: string): string[] {
  const key = `${type}\u0000${visibility}`;
  let tokens = rowTokens.get(key);
  if (!tokens) {
    tokens = [typeToken(type), ...visibilityTokens(type, visibility)];
    if (rowTokens.size >= 1024) rowTokens.clear();
    rowTokens.set(key, tokens);
  }
  return tokens;
}

/**
 * The any-of tokens of a view: every row that serves both views, plus the latest rows of the types read in preview
 * and the published copies of the others (`scope`: the types searched, when listed).
 */
export function viewTokens(scope: 'all' | readonly string[], previewTypes: 'all' | readonly string[]): string[] {
  const both = token('w', 'both');
  if (previewTypes === 'all') return [both, token('w', 'latest')];
  if (previewTypes.length === 0 || scope === 'all') return [both, token('w', 'public')];
  const preview = new Set(previewTypes);
  return [both, ...scope.map((t) => (preview.has(t) ? token('w', `latest\u0000${t}`) : token('w', `public\u0000${t}`)))];
}

/** The index entry of one object row (`data`: its stored JSON text, or that text parsed). */
export function searchDocument(
  layout: SearchLayout,
  type: string,
  data: string | Readonly<Record<string, unknown>>,
  visibility: string,
): SearchDocument {
  const doc = typeof data === 'string' ? (JSON.parse(data) as Record<string, unknown>) : data;
  const slots: string[] = Array.from({ length: SEARCH_SLOTS }, () => '');
  for (const f of layout.fields) {
    const text = fieldText(doc[f.name], f.html);
    if (text !== '') slots[f.slot] = slots[f.slot] === '' ? text : `${slots[f.slot]}\n${text}`;
  }
  const keys = new Set(typeAndVisibilityTokens(type, visibility));
  for (const [field, value] of Object.entries(doc)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      const c = canonical(v);
      if (c !== undefined && keys.size < MAX_KEYS) keys.add(valueToken(field, c));
    }
  }
  return { slots, keys: [...keys], words: vocabularyWords(slots.join('\n'), MAX_WORDS) };
}
