import type { FastifyInstance } from 'fastify';

import { principalOf } from '../http/route-auth.js';
import { API_MOUNT, PANEL_MOUNT, type RouteMount } from '../http/route-mount.js';
import type { PublicationAction, PublicationService } from './publication.service.js';
import { Type } from '@sinclair/typebox';
import { IgnoredBody, Integer, NoContent, NoQuery, panelContract, routeSchema } from '../http/contract.js';
import { ObjectParams, TypeParams } from './content.contract.js';

type P = { type: string; id: string };
const ACTIONS: PublicationAction[] = ['publish', 'unpublish', 'archive'];
const tags = ['publishing'];

const Schedule = Type.Object({
  schedule: Type.Union([Type.Object({ action: Type.String(), at: Type.String(), createdAt: Type.String() }), Type.Null()]),
});
const SCHEDULE_GET = panelContract("An object's planned publication", { params: ObjectParams, response: { 200: Schedule } });
const SCHEDULE_PUT = panelContract('Plan a publication: {action, at}', {
  params: ObjectParams,
  body: Type.Object({ action: Type.Optional(Type.Unknown()), at: Type.Optional(Type.Unknown()) }),
  response: { 200: Schedule },
});
const SCHEDULE_DELETE = panelContract('Cancel a planned publication', { params: ObjectParams, response: { 204: NoContent } });

/**
 * Draft & Public endpoints (Flotiq §8.3): 204 on success. Any body is accepted and ignored on the single-object
 * routes (flotiq-cli POSTs the object to `/publish`); `?hydrate=1` cascades a publish to related objects.
 */
export function publicationRoutes(app: FastifyInstance, publications: PublicationService, mount: RouteMount = API_MOUNT): void {
  const base = `${mount.prefix}/api/v1/content/:type`;
  const config = { permission: mount.permission('objects-publish') };
  for (const action of ACTIONS) {
    const one = routeSchema({
      summary: `${action[0].toUpperCase()}${action.slice(1)} an object (Draft & Public)`,
      tags,
      params: ObjectParams,
      querystring: Type.Object({
        hydrate: Integer({ minimum: 0, maximum: 2, default: 0, description: 'Also publish related objects' }),
      }),
      body: IgnoredBody,
      response: { 204: NoContent },
    });
    const many = routeSchema({
      summary: `${action[0].toUpperCase()}${action.slice(1)} objects by id`,
      tags,
      params: TypeParams,
      querystring: NoQuery,
      body: Type.Array(Type.String()),
      response: { 204: NoContent },
    });
    app.post<{ Params: P; Querystring: { hydrate: number } }>(
      `${base}/:id/${action}`,
      { config, schema: one },
      async (req, reply) => {
        const cascade = req.query.hydrate > 0;
        await publications.act(principalOf(req), req.params.type, req.params.id, action, cascade);
        return reply.code(204).send();
      },
    );
    app.post<{ Params: { type: string } }>(
      `${base}/batch-${action}`,
      { config: { ...config, jsonBody: true }, schema: many },
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
  app.get<{ Params: P }>(url, { config, schema: SCHEDULE_GET }, async (req) => ({
    schedule: view(await publications.scheduled(principalOf(req), req.params.type, req.params.id)),
  }));
  app.put<{ Params: P }>(url, { config: { ...config, jsonBody: true }, schema: SCHEDULE_PUT }, async (req) => {
    const body = (req.body ?? {}) as { action?: unknown; at?: unknown };
    return {
      schedule: view(await publications.schedule(principalOf(req), req.params.type, req.params.id, body.action, body.at)),
    };
  });
  app.delete<{ Params: P }>(url, { config, schema: SCHEDULE_DELETE }, async (req, reply) => {
    await publications.unschedule(principalOf(req), req.params.type, req.params.id);
    return reply.code(204).send();
  });
}
