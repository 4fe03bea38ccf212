const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** Type names the schema itself defines; a content type never takes one of them. */
// prettier-ignore
export const BUILTIN_TYPE_NAMES: readonly string[] = [
  'Query', 'Mutation', 'Subscription', 'String', 'Int', 'Float', 'Boolean', 'ID',
  'JSON', 'FlotiqFieldFilterInput', 'FlotiqAnyObject', 'flotiq___internal',
];

/** Valid in GraphQL and not reserved (GraphQL keeps the `__` prefix for introspection). */
export function isUsableName(name: string): boolean {
  return GRAPHQL_NAME.test(name) && !name.startsWith('__');
}

/** Makes a CTD or property name (charset `[a-zA-Z0-9_]`) usable: `__x` → `_x`, `9x` → `_9x`. */
function sanitize(raw: string): string {
  let name = raw.replace(/[^_0-9A-Za-z]/g, '_');
  if (/^[0-9]/.test(name)) name = `_${name}`;
  if (name.startsWith('__')) name = name.replace(/^_+/, '_');
  return name === '' ? '_' : name;
}

/**
 * Hands out unique names in one namespace: the wanted name when it is usable and free, otherwise its sanitized
 * form, then `_2`, `_3`, ... Callers claim in a fixed order (usable names first) so the outcome is deterministic.
 */
export class NameTable {
  private readonly taken: Set<string>;

  constructor(reserved: Iterable<string> = []) {
    this.taken = new Set(reserved);
  }

  claim(wanted: string): string {
    const base = isUsableName(wanted) ? wanted : sanitize(wanted);
    let name = base;
    for (let i = 2; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }
}

/** Original property name → GraphQL field name, for one object type; usable names keep their exact spelling. */
export function fieldNames(names: readonly string[], reserved: readonly string[]): Map<string, string> {
  const table = new NameTable(reserved);
  const out = new Map<string, string>();
  for (const n of names) if (isUsableName(n) && !reserved.includes(n)) out.set(n, table.claim(n));
  for (const n of names) if (!out.has(n)) out.set(n, table.claim(n));
  return out;
}

/** The names generated for one content type X. */
export interface CtdNames {
  /** The object type and the query field: the CTD name itself whenever GraphQL allows it. */
  base: string;
  connection: string;
  edge: string;
  pageInfo: string;
  filterInput: string;
}

/**
 * All type names of one schema. Built from the readable types only, so a name never hints at a type the key
 * cannot read (a collision with an unreadable type cannot change a readable type's name).
 */
export class SchemaNames {
  private readonly table = new NameTable(BUILTIN_TYPE_NAMES);
  private readonly byCtd = new Map<string, CtdNames>();

  constructor(ctdNames: readonly string[]) {
    const sorted = [...ctdNames].sort();
    const bases = new Map<string, string>();
    for (const n of sorted) if (isUsableName(n)) bases.set(n, this.table.claim(n));
    for (const n of sorted) if (!bases.has(n)) bases.set(n, this.table.claim(n));
    for (const n of sorted) {
      const base = bases.get(n) as string;
      this.byCtd.set(n, {
        base,
        connection: this.table.claim(`${base}Connection`),
        edge: this.table.claim(`${base}Edge`),
        pageInfo: this.table.claim(`${base}PageInfo`),
        filterInput: this.table.claim(`${base}FilterInput`),
      });
    }
  }

  of(ctd: string): CtdNames {
    const names = this.byCtd.get(ctd);
    if (!names) throw new Error(`no GraphQL names for ${ctd}`);
    return names;
  }

  /** A nested type (list item, geo point) of the type `owner`: `owner_field`, as Flotiq names them. */
  nested(owner: string, field: string): string {
    return this.table.claim(`${owner}_${field}`);
  }
}
