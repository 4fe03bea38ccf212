import type { FastifyInstance } from 'fastify';
import { intParam } from '../core/query-params.js';
import { principalOf } from '../http/route-auth.js';
import { API_MOUNT, PANEL_MOUNT, type RouteMount } from '../http/route-mount.js';
import type { PublicationAction, PublicationService } from './publication.service.js';

type P = { type: string; id: string };
const ACTIONS: PublicationAction[] = ['publish', 'unpublish', 'archive'];

/**
 * Draft & Public endpoints (Flotiq §8.3): 204 on success. Any body is accepted and ignored on the single-object
 * routes (flotiq-cli POSTs the object to `/publish`); `?hydrate=1` cascades a publish to related objects.
 */
export function publicationRoutes(app: FastifyInstance, publications: PublicationService, mount: RouteMount = API_MOUNT): void {
  const base = `${mount.prefix}/api/v1/content/:type`;
  const config = { permission: mount.permission('objects-publish') };
  for (const action of ACTIONS) {
    app.post<{ Params: P }>(`${base}/:id/${action}`, { config }, async (req, reply) => {
      const cascade = intParam((req.query as Record<string, unknown>).hydrate, 'hydrate', 0, 0, 2) > 0;
      await publications.act(principalOf(req), req.params.type, req.params.id, action, cascade);
      return reply.code(204).send();
    });
    app.post<{ Params: { type: string } }>(
      `${base}/batch-${action}`,
      { config: { ...config, jsonBody: true } },
      async (req, reply) => {
        await publications.batch(principalOf(req), req.params.type, action, req.body);
        return reply.code(204).send();
      },
    );
  }
}

/** The Panel's planned publications (`/panel/api/content/{type}/{id}/schedule`): GET, PUT `{action, at}`, DELETE. */
export function scheduleRoutes(app: FastifyInstance, publications: PublicationService): void {
  const url = `${PANEL_MOUNT.prefix}/api/content/:type/:id/schedule`;
  const config = { permission: 'panel-session' } as const;
  const view = (s: { action: string; atMs: number; createdMs: number } | undefined) =>
    s ? { action: s.action, at: new Date(s.atMs).toISOString(), createdAt: new Date(s.createdMs).toISOString() } : null;
  app.get<{ Params: P }>(url, { config }, async (req) => ({
    schedule: view(await publications.scheduled(principalOf(req), req.params.type, req.params.id)),
  }));
  app.put<{ Params: P }>(url, { config: { ...config, jsonBody: true } }, async (req) => {
    const body = (req.body ?? {}) as { action?: unknown; at?: unknown };
    return {
      schedule: view(await publications.schedule(principalOf(req), req.params.type, req.params.id, body.action, body.at)),
    };
  });
  app.delete<{ Params: P }>(url, { config }, async (req, reply) => {
    await publications.unschedule(principalOf(req), req.params.type, req.params.id);
    return reply.code(204).send();
  });
}
