import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createServer } from '../http/server.js';
import { PANEL_CSP } from './panel-headers.js';
import { isApiPath, panelStaticRoutes } from './panel-static.js';

describe('isApiPath', () => {
  it('keeps the API, file and Panel-API paths out of the SPA fallback; /media itself is a Panel page', () => {
    for (const p of ['/api', '/api/v1/x', '/panel/api', '/panel/api/keys?x=1', '/image/0x0/a.png', '/media/a'])
      expect(isApiPath(p)).toBe(true);
    for (const p of ['/', '/media', '/api-keys', '/content/blog', '/panel', '/images', '/setup'])
      expect(isApiPath(p)).toBe(false);
  });
});

async function serve(root: string): Promise<FastifyInstance> {
  const app = createServer({ logLevel: 'silent', bodyLimit: 1024 });
  await panelStaticRoutes(app, root);
  await app.ready();
  return app;
}

describe('the built Panel served at /', () => {
  let root: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'flotilla-panel-'));
    mkdirSync(path.join(root, 'assets'));
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Panel</title>');
    writeFileSync(path.join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(path.join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    app = await serve(root);
  });

  afterAll(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers the Panel routes with index.html, no-cache, a strict CSP and no framing', async () => {
    for (const url of ['/', '/api-keys', '/content/blog/object/x', '/media', '/setup']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('<title>Panel</title>');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toBe(PANEL_CSP);
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
    expect(PANEL_CSP).toContain("script-src 'self'");
    expect(PANEL_CSP).not.toContain('unsafe-inline');
    expect(PANEL_CSP).toContain("frame-ancestors 'none'");
  });

  it('serves hashed assets with a long cache, other build files with a short one', async () => {
    const js = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['content-type']).toMatch(/javascript/);
    const icon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('public, max-age=3600');
  });

  it("keeps Flotiq's JSON 404 for unknown API paths and missing assets, and never serves outside the build", async () => {
    for (const url of [
      '/api/v1/nope/a/b/c',
      '/panel/api/nope',
      '/image/nope',
      '/media/nope',
      '/assets/missing.js',
      '/assets/..%2f..%2fetc%2fpasswd',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toEqual({ code: 404, message: 'Not found' });
    }
  });

  it('says the Panel is not built when panel/dist is missing', async () => {
    const empty = await serve(path.join(root, 'does-not-exist'));
    const res = await empty.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('The Flotilla Panel is not built');
    await empty.close();
  });
});
