import { objectJson } from '../content/object-json.js';
import { setOwnProperty } from '../core/own-property.js';
import type { StoredObject } from '../storage/port.js';
import type { SearchRequest } from './search-params.js';
import type { SearchResult } from '../storage/search-query.js';

export interface ResponseItem {
  /** The object as the list endpoint returns it (hydrated when asked). */
  json: string;
  object: StoredObject;
  ctdId: string | undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Flotiq's search item: the object's own fields with `id` and `internal`, plus the Elasticsearch document fields
 * Flotiq exposes (`object_data` as a JSON string, the CTD id, timestamps). Built by splicing, like the list endpoint.
 */
function itemJson(i: ResponseItem): string {
  const o = i.object;
  const extra = {
    object_data: objectJson(o),
    ...(i.ctdId ? { content_type_definition_id: i.ctdId } : {}),
    created_at: iso(o.createdMs),
    updated_at: iso(o.updatedMs),
    deleted_at: null,
    '@timestamp': iso(o.updatedMs),
  };
  return `${i.json.slice(0, -1)},${JSON.stringify(extra).slice(1)}`;
}

/** `summary.aggregations`: `[]` when none was asked for (as Flotiq answers), else Elasticsearch's shapes by field. */
function aggregations(result: SearchResult): unknown {
  const out: Record<string, unknown> = {};
  for (const [field, t] of Object.entries(result.terms)) {
    setOwnProperty(out, field, {
      doc_count_error_upper_bound: 0,
      sum_other_doc_count: t.otherDocCount,
      buckets: t.buckets.map((b) => ({ key: b.key, doc_count: b.docCount })),
    });
  }
  for (const [field, s] of Object.entries(result.stats)) setOwnProperty(out, field, s);
  return Object.keys(out).length === 0 ? [] : out;
}

export function searchResponse(r: SearchRequest, result: SearchResult, items: ResponseItem[]): string {
  const data = items.map((item, i) => {
    const score = result.hits[i]?.score ?? 0;
    return `{"score":${Number.isFinite(score) ? score : 0},"item":${itemJson(item)}}`;
  });
  const head = {
    total_count: result.total,
    count: data.length,
    total_pages: Math.ceil(result.total / r.limit),
    current_page: r.page,
    summary: { aggregations: aggregations(result) },
  };
  return `${JSON.stringify(head).slice(0, -1)},"data":[${data.join(',')}]}`;
}
