import { describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../../api/open-api.js';
import { contentTypesOf, keySchemeNames, servedFrom } from './open-api-doc.js';

const doc: OpenApiDocument = {
  openapi: '3.0.3',
  servers: [{ url: 'https://cms.example.com' }],
  paths: {
    '/api/v1/content/post': {},
    '/api/v1/content/post/{id}': {},
    '/api/v1/content/post/batch': {},
    '/api/v1/content/_media/{id}': {},
    '/api/v1/content/{contentTypeName}': {},
    '/api/v1/search': {},
  },
  components: {
    securitySchemes: {
      HeaderApiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-AUTH-TOKEN' },
      lower: { type: 'apiKey', in: 'header', name: 'x-auth-token' },
      QueryApiKeyAuth: { type: 'apiKey', in: 'query', name: 'auth_token' },
      bearer: { type: 'http' },
    },
  },
};

describe('a key document as the Panel renders it', () => {
  it('fills the key into the schemes that send it in X-AUTH-TOKEN, whatever their names', () => {
    expect(keySchemeNames(doc)).toEqual(['HeaderApiKeyAuth', 'lower']);
    expect(keySchemeNames({ openapi: '3.0.3' })).toEqual([]);
  });

  it('sends "try it" calls to the origin the Panel was loaded from, and changes nothing else', () => {
    const served = servedFrom(doc, 'http://127.0.0.1:3000');
    expect(served.servers).toEqual([{ url: 'http://127.0.0.1:3000', description: 'This Flotilla server' }]);
    expect(served.paths).toBe(doc.paths);
    expect(doc.servers).toEqual([{ url: 'https://cms.example.com' }]);
  });

  it('names the content types that have operations, not path templates', () => {
    expect(contentTypesOf(doc)).toEqual(['_media', 'post']);
  });
});
