import type { Storage } from '../storage/port.js';
import type { ContentType, FieldInfo } from './content-type.js';
import { describeFields } from './describe-fields.js';
import { compileObjectValidator, type ObjectValidator } from '../content/validate-object.js';

/** A content type with everything derived from it, compiled once per CTD version. */
export interface LoadedType {
  readonly ct: ContentType;
  readonly version: number;
  readonly fields: readonly FieldInfo[];
  readonly fieldsByName: ReadonlyMap<string, FieldInfo>;
  /** Compiled lazily: most requests never validate. */
  readonly validate: ObjectValidator;
}

/**
 * In-memory cache of the CTDs, dropped whenever any node changes a type ('types' signal). Only services use it;
 * it makes no access decision.
 */
export class TypeRegistry {
  private loaded: Map<string, LoadedType> | undefined;
  private loading: Promise<Map<string, LoadedType>> | undefined;
  /** Bumped by invalidate(): a load that started before an invalidation must not be kept. */
  private generation = 0;

  constructor(private readonly storage: Storage) {
    storage.onCommitted((notices) => {
      if (notices === '*' || notices.some((n) => n.kind === 'type')) this.invalidate();
    });
  }

  invalidate(): void {
    this.generation++;
    this.loaded = undefined;
    this.loading = undefined;
  }

  async all(): Promise<ReadonlyMap<string, LoadedType>> {
    if (this.loaded) return this.loaded;
    const generation = this.generation;
    const loading = (this.loading ??= this.load());
    const map = await loading;
    if (generation === this.generation) this.loaded = map;
    return map;
  }

  async get(name: string): Promise<LoadedType | undefined> {
    const hit = (await this.all()).get(name);
    if (hit || !this.storage.shared) return hit;
    // Another node may have created the type a moment ago and its signal may still be on the way: a miss on a
    // shared database is checked against the database before it becomes a 404.
    const row = await this.storage.getType(name);
    if (!row) return undefined;
    this.invalidate();
    return (await this.all()).get(name);
  }

  private async load(): Promise<Map<string, LoadedType>> {
    const map = new Map<string, LoadedType>();
    for (const row of await this.storage.listTypes()) {
      map.set(row.name, toLoaded(JSON.parse(row.definition) as ContentType, row.version));
    }
    return map;
  }
}

export function toLoaded(ct: ContentType, version: number): LoadedType {
  const fields = describeFields(ct);
  let validator: ObjectValidator | undefined;
  return {
    ct,
    version,
    fields,
    fieldsByName: new Map(fields.map((f) => [f.name, f])),
    validate: (data) => (validator ??= compileObjectValidator(ct))(data),
  };
}
