import { formatObjectTime } from '../core/time.js';

/** Formatting a timestamp is a measurable share of a list response; the same rows are served again and again. */
const times = new Map<number, string>();
function time(ms: number): string {
  let s = times.get(ms);
  if (s === undefined) {
    if (times.size >= 50_000) times.clear();
    s = formatObjectTime(ms);
    times.set(ms, s);
  }
  return s;
}
import type { StoredObject } from '../storage/port.js';

type InternalFacts = Pick<
  StoredObject,
  'type' | 'title' | 'version' | 'createdMs' | 'updatedMs' | 'deletedMs' | 'status' | 'publicVersion' | 'publishedMs'
>;

/**
 * The publication facts of an object: its status (objects of types without Draft & Public are always public), the
 * version last published and when. THE definition: REST, search, hydration and GraphQL all show these.
 */
export function publication(o: Pick<StoredObject, 'status' | 'publicVersion' | 'publishedMs'>) {
  return {
    status: o.status ?? 'public',
    publicVersion: o.publicVersion ?? -1,
    publishedAt: o.publishedMs === null ? '' : formatObjectTime(o.publishedMs),
  };
}

/** The server-managed `internal` block of an object. */
export function internalBlock(o: InternalFacts) {
  const pub = publication(o);
  return {
    contentType: o.type,
    createdAt: formatObjectTime(o.createdMs),
    updatedAt: formatObjectTime(o.updatedMs),
    deletedAt: o.deletedMs === null ? '' : formatObjectTime(o.deletedMs),
    workflowState: 'saved',
    objectTitle: o.title,
    latestVersion: o.version,
    status: pub.status,
    publicVersion: pub.publicVersion,
    publishedAt: pub.publishedAt,
    workflowPublicVersion: -1,
    workflowPublishedAt: '',
  };
}

/**
 * The object as JSON text, built by splicing the stored document (never parsed) after `id` and `internal`.
 * The stored document never contains `id` or `internal` (writes strip them), so keys cannot collide.
 */
export function objectJson(o: StoredObject, data: string = o.data): string {
  const head = `{"id":${JSON.stringify(o.id)},"internal":${internalJson(o)}`;
  const body = data.trim();
  return body.length <= 2 ? `${head}}` : `${head},${body.slice(1)}`;
}

/**
 * What a writer without read access gets back: the id and the server's facts about the write. Nothing derived from
 * stored fields (so no `objectTitle`: it is the first text field, which the key may not be able to read).
 */
export function objectStubJson(o: StoredObject): string {
  const { objectTitle: _derived, ...facts } = internalBlock(o);
  return JSON.stringify({ id: o.id, internal: facts });
}

/** internalBlock as JSON text, written directly (same keys, same order; a unit test holds the two together). */
export function internalJson(o: InternalFacts): string {
  const published = o.publishedMs === null ? '' : time(o.publishedMs);
  return (
    `{"contentType":"${o.type}","createdAt":"${time(o.createdMs)}","updatedAt":"${time(o.updatedMs)}",` +
    `"deletedAt":"${o.deletedMs === null ? '' : time(o.deletedMs)}","workflowState":"saved","objectTitle":${JSON.stringify(o.title)},` +
    `"latestVersion":${o.version},"status":"${o.status ?? 'public'}","publicVersion":${o.publicVersion ?? -1},` +
    `"publishedAt":"${published}","workflowPublicVersion":-1,"workflowPublishedAt":""}`
  );
}
