import { createHash } from 'node:crypto';
import type pg from 'pg';

/** Statements kept prepared per connection; beyond them, statements run unnamed (parsed and planned every time). */
export const PREPARED_PER_CONNECTION = 256;

/**
 * Whether a statement is worth preparing: it has parameters (the SQL text holds only placeholders and validated
 * names, so one text is one shape) and no `IN (…)` list, whose length, and so whose text, changes from call to call.
 */
export function preparable(text: string): boolean {
  return text.includes('$1') && !/ in \(/i.test(text) && text.length <= 16_000;
}

const nameOf = (text: string) => `f${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;

/**
 * Makes every connection of the pool prepare the statements Kysely sends (list, get, counts, hydration's single
 * reads…) once and reuse them: PostgreSQL then parses and plans each shape once per connection instead of once per
 * request. Kysely calls `client.query(text, values)`; such calls are sent as named statements, at most
 * PREPARED_PER_CONNECTION distinct ones per connection (the rest run as before), so memory stays bounded.
 */
export function prepareStatements(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const prepared = new Set<string>();
    // looked up at each call, not bound once: a wrapper put on the prototype later (bench/sql-trace.ts) still runs
    const proto = Object.getPrototypeOf(client) as { query: (...args: unknown[]) => unknown };
    const query = (...args: unknown[]) => proto.query.apply(client, args);
    client.query = ((text: unknown, values?: unknown, ...rest: unknown[]) => {
      if (typeof text === 'string' && Array.isArray(values) && rest.length === 0 && preparable(text)) {
        const name = nameOf(text);
        if (prepared.has(name) || prepared.size < PREPARED_PER_CONNECTION) {
          prepared.add(name);
          return query({ name, text, values });
        }
      }
      return query(text, values, ...rest);
    }) as typeof client.query;
  });
}
