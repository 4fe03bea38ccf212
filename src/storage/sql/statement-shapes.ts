import { CompiledQuery, type Compilable, type Kysely } from 'kysely';

const MARK = '\u0000shape:';

/** A stand-in for a value while a statement's shape is compiled (`StatementShapes.rows`), typed as the value. */
export const param = <T = string>(name: string): T => `${MARK}${name}` as unknown as T;

/**
 * Statements compiled once per shape (issue 14: the hot paths build no query per request). The first call of a
 * shape runs its Kysely builder with `param(name)` stand-ins and keeps the SQL; every call then sends that SQL with
 * the real values put where the stand-ins were (also inside an array parameter) — the same text every time, so
 * SQLite's statement cache and PostgreSQL's prepared statements (src/storage/postgres/prepared.ts) reuse their plan
 * too. A shape's key must name
 * everything that changes its SQL other than the stand-ins (e.g. the view, the number of ids).
 */
export class StatementShapes {
  private readonly compiled = new Map<string, CompiledQuery>();

  /** Shapes kept (keys name types, views and id counts; past this, the oldest go). */
  constructor(private readonly max = 4096) {}

  async rows<R, DB>(db: Kysely<DB>, key: string, build: () => Compilable, values: Record<string, unknown>): Promise<R[]> {
    let shape = this.compiled.get(key);
    if (!shape) {
      shape = build().compile();
      if (this.compiled.size >= this.max) this.compiled.delete(this.compiled.keys().next().value!);
      this.compiled.set(key, shape);
    }
    const value = (p: unknown): unknown => {
      if (typeof p !== 'string' || !p.startsWith(MARK)) return p;
      const name = p.slice(MARK.length);
      if (!(name in values)) throw new Error(`statement shape ${key}: no value for ${name}`);
      return values[name];
    };
    // an array parameter (PostgreSQL's `= ANY($n)` list) holds stand-ins too
    const parameters = shape.parameters.map((p) => (Array.isArray(p) ? p.map(value) : value(p)));
    return (await db.executeQuery<R>(CompiledQuery.raw(shape.sql, parameters))).rows;
  }
}
