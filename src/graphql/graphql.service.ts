import {
  type DocumentNode,
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  printSchema,
  validate,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { inScope, objectScope, readView, relatedView } from '../access/policy.js';
import type { ContentService } from '../content/content.service.js';
import { type Answer, PageCache, type Stamp } from '../content/page-cache.js';
import type { CacheStats } from '../core/cache-stats.js';
import type { LoadedType, TypeRegistry } from '../content-types/type-registry.js';
import type { Principal } from '../core/principal.js';
import type { GraphqlContext } from './context.js';
import { formatError, gqlError } from './graphql-errors.js';
import { buildLegacySchema } from './legacy-schema.js';
import { checkCost, checkShape, DEFAULT_LIMITS, type Limits } from './limits.js';
import { RelationLoader } from './loader.js';
import type { Flavor } from './object-types.js';
import { buildV2Schema } from './schema-builder.js';

/** A GraphQL request as sent (POST body or GET query): nothing is trusted yet. */
export interface GraphqlRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

type Body = { data?: unknown; errors?: readonly GraphQLFormattedError[] };

/** A GraphQL response: its status and its JSON (text, or bytes from the response cache), as sent. */
export interface GraphqlResponse {
  status: number;
  text: Answer;
}

interface Built {
  schema: GraphQLSchema;
  /** Flavor × the readable types with their CTD ids and versions: what the schema was built from. */
  key: string;
  /** The readable types, sorted by name. */
  readable: readonly LoadedType[];
  names: readonly string[];
  sdl?: string;
  /** Queries already parsed, shape-checked and validated against this schema (clients repeat their queries). */
  docs?: Map<string, DocumentNode>;
}

const DOCS_PER_SCHEMA = 200;

/** Distinct schemas kept at once (one per schema version × flavor × readable-type set). */
const CACHE_SIZE = 200;

/**
 * GraphQL over the content service. The schema a principal gets is built from the content types that
 * `objectScope(p, 'read')` allows and nothing else, so execution, introspection and SDL agree; every read then goes
 * through ContentService, which asks the policy again.
 */
export class GraphqlService {
  /** Storage reads made by relation loaders, so a test can prove batching. */
  relationQueries = 0;
  private generation = 0;
  private readonly cache = new Map<string, Built>();
  /** Per flavor, the schema of a principal that reads every type, for the current snapshot. */
  private readonly every = new Map<Flavor, Built>();

  /** The registry's snapshot the cached schemas were built from: a new snapshot (a CTD changed) empties the cache. */
  private snapshot: ReadonlyMap<string, LoadedType> | undefined;
  /**
   * Finished responses without errors, keyed by everything they depend on besides the data: the schema (flavor ×
   * readable types × CTD versions), the view each type is read in, the document, variables and operation. Each is
   * served only while the write generations of every readable type, read before it was executed, are current
   * (decision 0019's freshness, on every node); a write to any readable type makes it stale.
   */
  private readonly responses: PageCache;
  /** Lookups of the response cache, for /metrics. */
  readonly cacheStats: CacheStats;

  constructor(
    private readonly registry: TypeRegistry,
    private readonly content: ContentService,
    private readonly limits: Limits = DEFAULT_LIMITS,
    responseCacheBytes = 0,
  ) {
    this.responses = new PageCache(responseCacheBytes);
    this.cacheStats = this.responses.stats;
  }

  invalidate(): void {
    this.generation++;
    this.cache.clear();
    this.every.clear();
    this.responses.clear();
  }

  /** The SDL of the schema this principal sees. */
  async sdl(p: Principal, flavor: Flavor): Promise<string> {
    const built = await this.built(p, flavor);
    return (built.sdl ??= printSchema(built.schema));
  }

  /** Runs one request and shapes the GraphQL response (status 400 when nothing was executed). */
  async execute(p: Principal, flavor: Flavor, req: GraphqlRequest, onInternal: (e: Error) => void): Promise<GraphqlResponse> {
    const input = normalize(req);
    if (input instanceof GraphQLError) return fail(400, [input]);
    const built = await this.built(p, flavor);
    const { schema } = built;
    // The stamp is read before anything is executed: a write committed meanwhile makes the stored answer stale. An
    // answer is stored only after its document passed parsing, validation and the cost check against this very
    // schema, with these variables and operation, all part of its key; so a hit needs none of them again.
    let cacheKey = '';
    let stamp: Stamp = '';
    if (this.responses.enabled) {
      stamp = await this.content.stamp(built.names);
      cacheKey = `${built.key}\0${viewsOf(p, built.readable)}\0${input.operationName ?? ''}\0${JSON.stringify(input.variables ?? null)}\0${input.query}`;
      const hit = this.responses.get(cacheKey, stamp);
      if (hit !== undefined) return { status: 200, text: hit };
    }
    let doc = built.docs?.get(input.query);
    if (!doc) {
      try {
        doc = parse(input.query, { maxTokens: this.limits.maxTokens });
      } catch (e) {
        const err = e instanceof GraphQLError ? e : new GraphQLError(String(e));
        return fail(400, [withLocations(gqlError('GRAPHQL_PARSE_FAILED', err.message), err)]);
      }
      const shape = checkShape(doc, this.limits);
      if (shape.length > 0) return fail(400, shape);
      const invalid = validate(schema, doc, undefined, { maxErrors: 20 });
      if (invalid.length > 0)
        return fail(
          400,
          invalid.map((e) => withLocations(gqlError('GRAPHQL_VALIDATION_FAILED', e.message), e)),
        );
      built.docs ??= new Map();
      if (built.docs.size >= DOCS_PER_SCHEMA) built.docs.delete(built.docs.keys().next().value as string);
      built.docs.set(input.query, doc);
    }
    const op = getOperationAST(doc, input.operationName);
    if (op && op.operation !== 'query') return fail(400, [gqlError('GRAPHQL_VALIDATION_FAILED', 'Only queries are supported')]);
    if (op) {
      const tooCostly = checkCost(schema, doc, op, input.variables ?? {}, this.limits);
      if (tooCostly) return fail(400, [tooCostly]);
    }
    const contextValue: GraphqlContext = {
      principal: p,
      content: this.content,
      loader: new RelationLoader(p, this.content, () => this.relationQueries++),
    };
    const result = await execute({
      schema,
      document: doc,
      contextValue,
      variableValues: input.variables,
      operationName: input.operationName,
    });
    // no data at all: the request itself was wrong (unknown operation, bad variables)
    if (!('data' in result) || result.data === undefined) {
      return fail(
        400,
        (result.errors ?? []).map((e) => withLocations(gqlError('BAD_USER_INPUT', e.message), e)),
      );
    }
    const body: Body = { data: result.data };
    if (result.errors?.length) body.errors = result.errors.map((e) => formatError(e, onInternal));
    const text = JSON.stringify(body);
    // partial answers (a resolver failed, a budget ran out) are never kept
    return { status: 200, text: this.responses.enabled && !body.errors ? this.responses.set(cacheKey, stamp, text) : text };
  }

  private async built(p: Principal, flavor: Flavor): Promise<Built> {
    const types = await this.registry.all();
    // the registry follows CTD changes on this node and others; schemas of an older snapshot are dropped
    if (types !== this.snapshot) {
      if (this.snapshot !== undefined) this.invalidate();
      this.snapshot = types;
    }
    const generation = this.generation;
    const scope = objectScope(p, 'read');
    // a principal that reads every type (the application keys, most requests) gets the same schema: found without
    // listing, sorting and naming every type again at each request
    if (scope.all) {
      const every = this.every.get(flavor);
      if (every) return every;
    }
    const readable = [...types.values()]
      .filter((t) => inScope(scope, t.ct.name))
      .sort((a, b) => (a.ct.name < b.ct.name ? -1 : a.ct.name > b.ct.name ? 1 : 0));
    // id and version of every readable CTD: the key is the schema version × the read scope, so a schema built from
    // an older snapshot (or for a deleted and re-created type) can never answer for a newer one
    const key = `${flavor}\0${readable.map((t) => `${t.ct.name}:${t.ct.id}@${t.version}`).join(',')}`;
    let built = this.cache.get(key);
    if (!built) {
      built = { schema: build(flavor, readable), key, readable, names: readable.map((t) => t.ct.name) };
      if (generation === this.generation) {
        if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
        this.cache.set(key, built);
      }
    }
    if (scope.all && generation === this.generation) this.every.set(flavor, built);
    return built;
  }
}

function build(flavor: Flavor, readable: readonly LoadedType[]): GraphQLSchema {
  return flavor === 'v2' ? buildV2Schema(readable) : buildLegacySchema(readable);
}

function fail(status: number, errs: readonly GraphQLError[]): GraphqlResponse {
  return { status, text: JSON.stringify({ errors: errs.map((e) => e.toJSON()) }) };
}

/**
 * The views the principal reads each readable type in, directly and through relations (the policy decides both);
 * a request without `X-MODE: preview` reads every type in the public view.
 */
function viewsOf(p: Principal, readable: readonly LoadedType[]): string {
  if (p.kind === 'system' || p.mode !== 'preview') return 'public';
  return readable.map((t) => `${readView(p, t.ct.name, t.ct.draftPublic) ?? '-'}/${relatedView(p, t.ct.name)}`).join(',');
}

function withLocations(target: GraphQLError, from: GraphQLError): GraphQLError {
  return new GraphQLError(target.message, {
    nodes: from.nodes,
    source: from.source,
    positions: from.positions,
    extensions: target.extensions,
  });
}

/** Checks the request envelope: `query` a non-empty string, `variables` an object (or its JSON), `operationName` a string. */
function normalize(
  req: GraphqlRequest,
): { query: string; variables: Record<string, unknown> | undefined; operationName: string | undefined } | GraphQLError {
  if (typeof req.query !== 'string' || req.query.trim() === '') return gqlError('BAD_USER_INPUT', 'Must provide a query string');
  let variables = req.variables;
  if (typeof variables === 'string' && variables.trim() !== '') {
    try {
      variables = JSON.parse(variables) as unknown;
    } catch {
      return gqlError('BAD_USER_INPUT', 'Variables are invalid JSON');
    }
  }
  if (variables === '' || variables === null) variables = undefined;
  if (variables !== undefined && (typeof variables !== 'object' || Array.isArray(variables)))
    return gqlError('BAD_USER_INPUT', 'Variables must be an object');
  const op = req.operationName;
  if (op !== undefined && op !== null && op !== '' && typeof op !== 'string')
    return gqlError('BAD_USER_INPUT', 'operationName must be a string');
  return {
    query: req.query,
    variables: variables as Record<string, unknown> | undefined,
    operationName: typeof op === 'string' && op !== '' ? op : undefined,
  };
}
