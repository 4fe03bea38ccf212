import { request } from './http.js';

/** An API-key security scheme of an OpenAPI 3 document. */
export interface ApiKeyScheme {
  type: 'apiKey';
  in: 'header' | 'query' | 'cookie';
  name: string;
}

/** The parts of an OpenAPI 3 document the Panel reads itself; the renderer reads the rest. */
export interface OpenApiDocument {
  openapi: string;
  info?: { title?: string; version?: string; description?: string };
  servers?: { url: string; description?: string }[];
  paths?: Record<string, Record<string, unknown>>;
  components?: { securitySchemes?: Record<string, ApiKeyScheme | { type: string }> } & Record<string, unknown>;
  [extra: string]: unknown;
}

export const openApiApi = {
  /** The OpenAPI document one key gets from `GET /api/v1/open-api-schema.json`, fetched with the Panel's session. */
  forKey: (keyId: string) => request<OpenApiDocument>('GET', `/keys/${encodeURIComponent(keyId)}/open-api-schema.json`),
};
