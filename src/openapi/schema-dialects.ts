/**
 * Our schemas are JSON Schema as TypeBox writes it (2020-12 style: `const`, `type: 'null'`, `patternProperties`,
 * type lists), which OpenAPI 3.1 takes as it is. OpenAPI 3.0 has a smaller dialect: this rewrites a document's
 * schemas into it.
 */
export function toOpenApi30(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toOpenApi30);
  if (!node || typeof node !== 'object') return node;
  const src = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) out[k] = toOpenApi30(v);

  // 3.0 wants at least one name in `required`
  if (Array.isArray(out.required) && out.required.length === 0) delete out.required;
  if ('const' in out) {
    out.enum = [out.const];
    delete out.const;
  }
  if (Array.isArray(out.type)) {
    const types = out.type as string[];
    const nonNull = types.filter((t) => t !== 'null');
    delete out.type;
    if (nonNull.length < types.length) out.nullable = true;
    if (nonNull.length === 1) out.type = nonNull[0];
    else if (nonNull.length > 1) out.anyOf = nonNull.map((t) => ({ type: t }));
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const list = out[key];
    if (!Array.isArray(list)) continue;
    const isNull = (s: unknown) => !!s && typeof s === 'object' && (s as { type?: unknown }).type === 'null';
    if (list.some(isNull)) {
      const rest = list.filter((s) => !isNull(s));
      out.nullable = true;
      if (rest.length === 1 && !('$ref' in (rest[0] as object))) {
        delete out[key];
        Object.assign(out, rest[0]);
      } else out[key] = rest;
    }
  }
  if (out.type === 'null') {
    delete out.type;
    out.nullable = true;
    out.enum = [null];
  }
  if (out.patternProperties && typeof out.patternProperties === 'object') {
    const values = Object.values(out.patternProperties as Record<string, unknown>);
    delete out.patternProperties;
    if (values.length === 1) out.additionalProperties = values[0];
  }
  return out;
}
