import type { ApiKeyScheme, OpenApiDocument } from '../../api/open-api.js';

/** The header every Flotiq client sends its key in. */
const KEY_HEADER = 'x-auth-token';

/**
 * The security schemes of a document through which "try it" sends a key in `X-AUTH-TOKEN` (Flotiq names its one
 * `HeaderApiKeyAuth`; the names are read, not assumed).
 */
export function keySchemeNames(doc: OpenApiDocument): string[] {
  const schemes = doc.components?.securitySchemes ?? {};
  return Object.entries(schemes)
    .filter(([, s]) => isHeaderKey(s))
    .map(([name]) => name);
}

function isHeaderKey(s: unknown): s is ApiKeyScheme {
  if (!s || typeof s !== 'object') return false;
  const scheme = s as Partial<ApiKeyScheme>;
  return scheme.type === 'apiKey' && scheme.in === 'header' && scheme.name?.toLowerCase() === KEY_HEADER;
}

/**
 * The document as the Panel renders it: "try it" calls go to the origin the Panel was loaded from, which is the
 * API's own (one server serves both), and the only one the Panel's Content-Security-Policy lets it connect to.
 * The document's paths are absolute (`/api/v1/...`), so the origin is the whole server URL.
 */
export function servedFrom(doc: OpenApiDocument, origin: string): OpenApiDocument {
  return { ...doc, servers: [{ url: origin, description: 'This Flotilla server' }] };
}

/** The content types a document has operations for, from its `/api/v1/content/{type}` paths (sorted). */
export function contentTypesOf(doc: OpenApiDocument): string[] {
  const names = new Set<string>();
  for (const path of Object.keys(doc.paths ?? {})) {
    const m = /^\/api\/v1\/content\/([^/{}]+)/.exec(path);
    if (m) names.add(m[1]);
  }
  return [...names].sort();
}
