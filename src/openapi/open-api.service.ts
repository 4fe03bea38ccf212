import { allowsRoute } from '../access/policy.js';
import { isRoutePermission } from '../access/route-permissions.js';
import type { Principal } from '../core/principal.js';
import { ABSTRACT_SCHEMA_REF } from '../content-types/content-type.js';
import { DATASOURCE_REF } from '../content-types/sanitize-schema.js';
import type { LoadedType, TypeRegistry } from '../content-types/type-registry.js';
import { OBJECT_MARK, type ObjectMark } from '../http/contract.js';
import type { RouteEntry } from '../http/server.js';
import { toOpenApi30 } from './schema-dialects.js';

/** An OpenAPI document as JSON (the shapes we touch are typed loosely on purpose: it is data we reshape). */
type Json = Record<string, unknown>;
type Operation = Json & { parameters?: Json[]; tags?: string[] };

export interface DocumentOptions {
  version: '3' | '3.1';
  /** Only the user's own types (no `_media`, `_webhooks`, …). */
  userOnly: boolean;
  /** Relations typed as the related objects too (as `?hydrate=1` answers them). */
  hydrate: boolean;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * The OpenAPI document of the API as one principal sees it: every operation of the declared route contracts whose
 * permission the principal holds (access/policy `allowsRoute`), with the content routes written out per content
 * type it may use and each type's object schema from its CTD — a key's least-privilege contract. The generic
 * document comes from the route schemas (@fastify/swagger); this only projects it.
 */
export class OpenApiService {
  constructor(
    private readonly generic: () => Json,
    private readonly routes: readonly RouteEntry[],
    private readonly registry: TypeRegistry,
    private readonly serverUrl: string | undefined,
  ) {}

  async document(p: Principal, opts: DocumentOptions): Promise<Json> {
    const generic = this.generic();
    const all = [...(await this.registry.all()).values()]
      .filter((t) => !opts.userOnly || !t.ct.internal)
      .sort((a, b) => a.ct.name.localeCompare(b.ct.name));
    const paths: Record<string, Json> = {};
    const used = new Set<LoadedType>();
    const marks = new Map<string, Set<ObjectMark>>();
    const add = (path: string, method: string, op: Operation) => {
      paths[path] ??= {};
      paths[path][method] = { ...op, operationId: operationId(method, path) };
    };

    for (const [path, item] of Object.entries((generic.paths ?? {}) as Record<string, Json>)) {
      if (!path.startsWith('/api/')) continue;
      for (const method of METHODS) {
        const op = item[method] as Operation | undefined;
        if (!op) continue;
        const permission = this.permissionOf(method, path);
        if (!permission) continue;
        if (path.includes('{type}')) {
          for (const t of all) {
            if (path.includes('publish') || path.includes('archive')) {
              if (!t.ct.draftPublic) continue;
            }
            if (!allowsRoute(p, permission, t.ct.name)) continue;
            used.add(t);
            add(path.replace('{type}', t.ct.name), method, forType(op, t.ct.name, marks));
          }
        } else if (path.includes('{name}')) {
          const names = all.filter((t) => allowsRoute(p, permission, t.ct.name)).map((t) => t.ct.name);
          if (names.length > 0) add(path, method, withNames(op, names));
        } else if (allowsRoute(p, permission)) {
          add(path, method, structuredClone(op));
        }
      }
    }

    const schemas: Record<string, unknown> = {
      [name(ABSTRACT_SCHEMA_REF)]: ABSTRACT,
      [name(DATASOURCE_REF)]: DATASOURCE,
    };
    const inDoc = new Set([...used].map((t) => t.ct.name));
    for (const t of used) {
      const kinds = marks.get(t.ct.name) ?? new Set<ObjectMark>();
      schemas[t.ct.name] = objectSchema(t, opts.hydrate ? inDoc : new Set());
      if (kinds.has('patch')) schemas[`${t.ct.name}_patch`] = patchSchema(t);
    }

    const doc: Json = {
      openapi: opts.version === '3.1' ? '3.1.0' : '3.0.3',
      info: {
        title: p.kind === 'api-key' ? `Flotilla API: ${p.name}` : 'Flotilla API',
        version: '1',
        description: 'The Flotiq-compatible API as this API key sees it: only the content types and operations its rules allow.',
      },
      servers: [{ url: this.serverUrl ?? '/' }],
      security: [{ headerKey: [] }, { queryKey: [] }],
      paths,
      components: {
        securitySchemes: {
          headerKey: { type: 'apiKey', in: 'header', name: 'X-AUTH-TOKEN' },
          queryKey: { type: 'apiKey', in: 'query', name: 'auth_token' },
        },
        schemas,
      },
    };
    return opts.version === '3.1' ? doc : (toOpenApi30(doc) as Json);
  }

  private permissionOf(method: string, path: string) {
    const url = path.replace(/\{([^}]+)\}/g, ':$1');
    const entry = this.routes.find((r) => r.method === method.toUpperCase() && r.url === url);
    return entry && isRoutePermission(entry.permission) ? entry.permission : undefined;
  }
}

const name = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);

function operationId(method: string, path: string): string {
  const words = path
    .replace(/^\/api\//, '')
    .split(/[^A-Za-z0-9_]+/)
    .filter(Boolean);
  return [method, ...words].join('_');
}

/** The operation for one content type: its `{type}` parameter gone, its object schemas that type's. */
function forType(op: Operation, type: string, marks: Map<string, Set<ObjectMark>>): Operation {
  const out = structuredClone(op);
  out.parameters = (out.parameters ?? []).filter((prm) => !(prm.in === 'path' && prm.name === 'type'));
  if (out.parameters.length === 0) delete out.parameters;
  out.tags = [type];
  const seen = marks.get(type) ?? new Set<ObjectMark>();
  marks.set(type, seen);
  return replaceMarked(out, (mark) => {
    seen.add(mark);
    return { $ref: `#/components/schemas/${mark === 'patch' ? `${type}_patch` : type}` };
  }) as Operation;
}

/** `{name}` may be only the types the principal may use there. */
function withNames(op: Operation, names: string[]): Operation {
  const out = structuredClone(op);
  for (const prm of out.parameters ?? []) {
    if (prm.in === 'path' && prm.name === 'name') prm.schema = { type: 'string', enum: names };
  }
  return out;
}

function replaceMarked(node: unknown, by: (mark: ObjectMark) => Json): unknown {
  if (Array.isArray(node)) return node.map((n) => replaceMarked(n, by));
  if (!node || typeof node !== 'object') return node;
  const mark = (node as Json)[OBJECT_MARK];
  if (mark === 'output' || mark === 'input' || mark === 'patch') return by(mark);
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) out[k] = replaceMarked(v, by);
  return out;
}

const ABSTRACT = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    internal: {
      type: 'object',
      readOnly: true,
      properties: {
        contentType: { type: 'string' },
        createdAt: { type: 'string' },
        updatedAt: { type: 'string' },
        deletedAt: { type: 'string' },
        status: { type: 'string' },
        publicVersion: { type: 'integer' },
        latestVersion: { type: 'integer' },
      },
    },
  },
};

const DATASOURCE = {
  type: 'object',
  required: ['dataUrl', 'type'],
  properties: { dataUrl: { type: 'string' }, type: { type: 'string', enum: ['internal'] } },
};

/** A type's objects: its CTD's schema (which refers to the two shared parts above), relations maybe hydrated. */
function objectSchema(t: LoadedType, hydrated: Set<string>): unknown {
  const schema = structuredClone(t.ct.schemaDefinition) as unknown as Json;
  const props = ((schema.allOf as Json[])[1].properties ?? {}) as Record<string, Json>;
  for (const f of t.fields) {
    const target = f.relationContenttype;
    const prop = props[f.name];
    if (!prop || !target || !hydrated.has(target)) continue;
    const items = prop.items as Json | undefined;
    if (items && items.$ref === DATASOURCE_REF) {
      prop.items = { anyOf: [{ $ref: DATASOURCE_REF }, { $ref: `#/components/schemas/${target}` }] };
    }
  }
  // the abstract part's properties live beside the type's own: additionalProperties would refuse them in allOf
  delete schema.additionalProperties;
  return schema;
}

/** PATCH bodies: the same fields, none required. */
function patchSchema(t: LoadedType): unknown {
  const schema = structuredClone(t.ct.schemaDefinition) as unknown as Json;
  delete schema.required;
  delete schema.additionalProperties;
  return schema;
}
