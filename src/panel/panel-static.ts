import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { panelSecurityHeaders } from './panel-headers.js';
import { Type } from '@sinclair/typebox';
import { Binary, NoQuery, routeSchema } from '../http/contract.js';

const panelFile = (summary: string, params?: ReturnType<typeof Type.Object>) =>
  routeSchema({
    summary,
    tags: ['panel'],
    ...(params ? { params } : {}),
    querystring: NoQuery,
    response: { 200: Binary, 503: Binary },
    hide: true,
  });
const PAGE = panelFile('The Panel');
const FILE = panelFile('A file of the Panel, or the Panel at one of its routes', Type.Object({ '*': Type.String() }));

/** Where `vite build --config panel/vite.config.ts` writes the Panel (from src/panel or dist/panel alike). */
export const PANEL_DIST = fileURLToPath(new URL('../../panel/dist/', import.meta.url));

/**
 * Paths that belong to the API: never answered with the Panel, so unknown ones keep Flotiq's JSON 404. `/media`
 * itself is the Panel's media library page; only paths under it are the API's.
 */
const API_ROOTS = ['/api', '/panel/api'];
const API_PREFIXES = ['/api/', '/panel/api/', '/image/', '/media/'];

export function isApiPath(url: string): boolean {
  const pathname = url.split('?')[0];
  return API_ROOTS.includes(pathname) || API_PREFIXES.some((p) => pathname.startsWith(p));
}

const pub = { permission: 'public' } as const;
const HASHED_ASSET = 'public, max-age=31536000, immutable';
const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Flotilla</title></head><body>
<h1>The Flotilla Panel is not built</h1><p>Run <code>npm run build</code> (or <code>npm start</code>, which builds it) and reload.</p>
<p>The API is available under <code>/api/v1</code>.</p></body></html>`;

/**
 * Serves the built Panel at `/`: hashed assets with a long cache, `index.html` (no-cache) for every other GET that
 * is not an API path (the SPA's own routes), a strict CSP on Panel pages. Static files need no authentication.
 */
export async function panelStaticRoutes(app: FastifyInstance, root: string = PANEL_DIST): Promise<void> {
  await app.register(async (scope) => {
    // registered inside this scope so `reply.sendFile` does not leak to the rest of the server
    await scope.register(fastifyStatic, { root, serve: false });

    const sendIndex = (reply: FastifyReply) => {
      panelSecurityHeaders(reply);
      if (!existsSync(path.join(root, 'index.html'))) {
        return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT);
      }
      return reply.header('cache-control', 'no-cache').sendFile('index.html', root, { cacheControl: false });
    };

    scope.get<{ Params: { '*': string } }>('/assets/*', { config: pub, schema: FILE }, async (req, reply) => {
      const file = path.posix.join('assets', req.params['*']);
      if (!isFile(root, file)) return reply.callNotFound();
      reply.header('x-content-type-options', 'nosniff');
      return reply.header('cache-control', HASHED_ASSET).sendFile(file, root, { cacheControl: false });
    });

    scope.get('/', { config: pub, schema: PAGE }, async (_req, reply) => sendIndex(reply));

    scope.get<{ Params: { '*': string } }>(
      '/*',
      { config: pub, schema: FILE },
      async (req: FastifyRequest<{ Params: { '*': string } }>, reply) => {
        if (isApiPath(req.url)) return reply.callNotFound();
        const file = req.params['*'];
        // top-level files of the build (favicon …) are served as they are; everything else is a Panel route
        if (!file.includes('/') && file !== 'index.html' && isFile(root, file)) {
          reply.header('x-content-type-options', 'nosniff');
          return reply.header('cache-control', 'public, max-age=3600').sendFile(file, root, { cacheControl: false });
        }
        return sendIndex(reply);
      },
    );
  });
}

function isFile(root: string, relative: string): boolean {
  const full = path.resolve(root, relative);
  if (!full.startsWith(path.resolve(root) + path.sep)) return false;
  try {
    return statSync(full).isFile();
  } catch {
    return false;
  }
}
