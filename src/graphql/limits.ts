import {
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { ownProperty } from '../core/own-property.js';
import { gqlError } from './graphql-errors.js';
import type { CostHint } from './shared-types.js';

/** Bounds on one GraphQL request; see docs/decisions/0004-graphql.md for how they were chosen. */
export interface Limits {
  /** Nesting of fields in content queries (`post { edges { node { author { name } } } }` is 5). */
  maxDepth: number;
  /** Nesting inside `__schema` / `__type`: the standard introspection query needs 15. */
  maxIntrospectionDepth: number;
  /** Aliased fields in the document. */
  maxAliases: number;
  /** Estimated field resolutions: every field counts once per object it may be resolved on (page size × fan-out). */
  maxCost: number;
  /** Lexer tokens: bounds parsing and validation work before anything else runs. */
  maxTokens: number;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxDepth: 12,
  maxIntrospectionDepth: 20,
  maxAliases: 20,
  maxCost: 100_000,
  maxTokens: 5_000,
});

/** Objects a list field is assumed to return when nothing says better (relations and lists of items). */
const DEFAULT_FANOUT = 10;

const limitError = (limit: string, message: string, max: number) =>
  gqlError('GRAPHQL_VALIDATION_FAILED', message, { limit, max });

/** Depth and alias checks: plain AST walks, run before validation (fragment cycles are tolerated here). */
export function checkShape(doc: DocumentNode, limits: Limits): GraphQLError[] {
  const out: GraphQLError[] = [];
  let aliases = 0;
  const count = (ss: SelectionSetNode | undefined): void => {
    for (const s of ss?.selections ?? []) {
      if (s.kind === Kind.FIELD && s.alias) aliases++;
      if (s.kind !== Kind.FRAGMENT_SPREAD) count(s.selectionSet);
    }
  };
  for (const d of doc.definitions)
    if (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION) count(d.selectionSet);
  if (aliases > limits.maxAliases)
    out.push(limitError('aliases', `Query has ${aliases} aliases; at most ${limits.maxAliases} are allowed`, limits.maxAliases));
  const content = depthOf(doc, true);
  if (content > limits.maxDepth)
    out.push(limitError('depth', `Query depth ${content} exceeds the limit of ${limits.maxDepth}`, limits.maxDepth));
  const all = depthOf(doc, false);
  if (all > limits.maxIntrospectionDepth) {
    out.push(
      limitError(
        'depth',
        `Introspection depth ${all} exceeds the limit of ${limits.maxIntrospectionDepth}`,
        limits.maxIntrospectionDepth,
      ),
    );
  }
  return out;
}

/** Deepest field nesting over all operations; fragments are measured once each (no exponential re-walks). */
function depthOf(doc: DocumentNode, skipIntrospection: boolean): number {
  const fragments = fragmentMap(doc);
  const memo = new Map<string, number>();
  const active = new Set<string>();
  const ofSet = (ss: SelectionSetNode): number => {
    let max = 0;
    for (const s of ss.selections) {
      let d = 0;
      if (s.kind === Kind.FIELD) {
        const meta = s.name.value === '__schema' || s.name.value === '__type';
        d = skipIntrospection && meta ? 0 : 1 + (s.selectionSet ? ofSet(s.selectionSet) : 0);
      } else if (s.kind === Kind.INLINE_FRAGMENT) d = ofSet(s.selectionSet);
      else {
        const name = s.name.value;
        const f = fragments.get(name);
        if (memo.has(name)) d = memo.get(name) as number;
        else if (f && !active.has(name)) {
          active.add(name);
          d = ofSet(f.selectionSet);
          active.delete(name);
          memo.set(name, d);
        }
      }
      max = Math.max(max, d);
    }
    return max;
  };
  let max = 0;
  for (const d of doc.definitions) if (d.kind === Kind.OPERATION_DEFINITION) max = Math.max(max, ofSet(d.selectionSet));
  return max;
}

function fragmentMap(doc: DocumentNode): Map<string, FragmentDefinitionNode> {
  const map = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) map.set(d.name.value, d);
  return map;
}

/**
 * Estimated cost of a validated operation: each field costs the number of parents it may be resolved on, which
 * multiplies by the page size (`first`, `limit`) and by each list's fan-out on the way down. Fields are merged by
 * response name and each fragment counts once per selection set, as execution does; the walk stops as soon as the
 * limit is passed, so measuring never costs more than the limit.
 */
export function checkCost(
  schema: GraphQLSchema,
  doc: DocumentNode,
  op: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: Limits,
): GraphQLError | undefined {
  const fragments = fragmentMap(doc);
  let total = 0;
  const walk = (
    sets: readonly SelectionSetNode[],
    parent: GraphQLNamedType | undefined,
    mult: number,
    page: number | undefined,
  ): void => {
    const groups = new Map<string, { parent: GraphQLNamedType | undefined; fields: FieldNode[] }>();
    const visited = new Set<string>();
    const collect = (ss: SelectionSetNode, type: GraphQLNamedType | undefined): void => {
      for (const s of ss.selections) {
        if (s.kind === Kind.FIELD) {
          const key = `${type?.name ?? ''}\0${s.alias?.value ?? s.name.value}`;
          const group = groups.get(key) ?? { parent: type, fields: [] };
          group.fields.push(s);
          groups.set(key, group);
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          collect(s.selectionSet, s.typeCondition ? schema.getType(s.typeCondition.name.value) : type);
        } else if (!visited.has(s.name.value)) {
          visited.add(s.name.value);
          const f = fragments.get(s.name.value);
          if (f) collect(f.selectionSet, schema.getType(f.typeCondition.name.value));
        }
      }
    };
    for (const ss of sets) collect(ss, parent);
    for (const { parent: owner, fields } of groups.values()) {
      if (total > limits.maxCost) return;
      const first = fields[0];
      if (first.name.value === '__typename') continue;
      total += Math.max(mult, 1);
      const def = fieldDef(schema, owner, first.name.value);
      const children = fields.flatMap((f) => (f.selectionSet ? [f.selectionSet] : []));
      if (!def || children.length === 0) continue;
      const hint = (def.extensions.flotiqCost ?? {}) as CostHint;
      const size = hint.pageArg ? (intArg(first, hint.pageArg, variables) ?? hint.pageDefault ?? DEFAULT_FANOUT) : undefined;
      let fan = 1;
      if (size !== undefined && hint.pageAppliesTo === 'self') fan = size;
      else if (isListType(getNullableType(def.type))) fan = page ?? hint.fanout ?? DEFAULT_FANOUT;
      walk(children, getNamedType(def.type), mult * fan, hint.pageAppliesTo === 'children' ? size : undefined);
    }
  };
  walk([op.selectionSet], schema.getRootType(op.operation) ?? undefined, 1, undefined);
  if (total <= limits.maxCost) return undefined;
  return limitError(
    'cost',
    `Query cost exceeds the limit of ${limits.maxCost} (page sizes multiply down nested lists and relations; ask for smaller pages or less nesting)`,
    limits.maxCost,
  );
}

function fieldDef(
  schema: GraphQLSchema,
  parent: GraphQLNamedType | undefined,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (name === '__schema') return SchemaMetaFieldDef;
  if (name === '__type') return TypeMetaFieldDef;
  return parent && (isObjectType(parent) || isInterfaceType(parent)) ? ownProperty(parent.getFields(), name) : undefined;
}

function intArg(field: FieldNode, name: string, variables: Record<string, unknown>): number | undefined {
  const arg = field.arguments?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  const v =
    arg.value.kind === Kind.VARIABLE
      ? ownProperty(variables, arg.value.name.value)
      : arg.value.kind === Kind.INT
        ? Number(arg.value.value)
        : undefined;
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}
