import type { FastifyInstance, FastifyReply } from 'fastify';
import { boolParam, directionParam, listParam } from '../core/query-params.js';
import { errors } from '../core/errors.js';
import { routeSchema } from '../http/contract.js';
import { contentContracts as c } from './content.contract.js';
import { principalOf } from '../http/route-auth.js';
import { API_MOUNT, type RouteMount } from '../http/route-mount.js';
import type { ContentService } from './content.service.js';
import type { ContentWriter } from './content-writer.service.js';
import type { Answer } from './page-cache.js';

type P = { type: string; id: string };
/** Query values after the declared schemas validated them (defaults applied, numbers coerced). */
type ListQ = {
  page: number;
  limit: number;
  order_by?: string;
  order_direction?: string;
  filters?: string;
  ids?: string[];
  'ids[]'?: string[];
  empty_first?: string;
  hydrate: number;
};
type PageQ = { page: number; limit: number; order_direction?: string };

const sendJson = (reply: FastifyReply, text: Answer, status = 200) =>
  reply.code(status).type('application/json; charset=utf-8').send(text);

const hydrateParam = (n: number) => n as 0 | 1 | 2;

/** The Flotiq content endpoints: thin transport over ContentService and ContentWriter. */
export function contentRoutes(
  app: FastifyInstance,
  reader: ContentService,
  writer: ContentWriter,
  mount: RouteMount = API_MOUNT,
): void {
  const base = `${mount.prefix}/api/v1/content/:type`;
  const read = { permission: mount.permission('objects-read') };
  const json = (permission: 'objects-create' | 'objects-update' | 'objects-delete' | 'objects-upsert') => ({
    permission: mount.permission(permission),
    jsonBody: true,
  });

  app.get<{ Params: P; Querystring: ListQ }>(base, { config: read, schema: routeSchema(c.list) }, async (req, reply) => {
    const q = req.query;
    const ids = q['ids[]'] ?? q.ids;
    const text = await reader.list(principalOf(req), req.params.type, {
      page: q.page,
      limit: q.limit,
      orderBy: q.order_by || undefined,
      direction: directionParam(q.order_direction),
      filters: q.filters,
      ids: ids === undefined ? undefined : listParam(ids, 'ids'),
      emptyFirst: boolParam(q.empty_first),
      hydrate: hydrateParam(q.hydrate),
    });
    return sendJson(reply, text);
  });

  app.post<{ Params: P }>(base, { config: json('objects-create'), schema: routeSchema(c.create) }, async (req, reply) =>
    sendJson(reply, await writer.create(principalOf(req), req.params.type, req.body)),
  );

  app.post<{ Params: P; Querystring: { updateExisting?: string } }>(
    `${base}/batch`,
    { config: json('objects-upsert'), schema: routeSchema(c.batchCreate) },
    async (req, reply) => {
      const upsert = boolParam(req.query.updateExisting);
      const { status, report } = await writer.batchCreate(principalOf(req), req.params.type, req.body, upsert);
      return reply.code(status).send(report);
    },
  );

  app.patch<{ Params: P }>(
    `${base}/batch`,
    { config: json('objects-update'), schema: routeSchema(c.batchPatch) },
    async (req, reply) => {
      const { status, report } = await writer.batchPatch(principalOf(req), req.params.type, req.body);
      return reply.code(status).send(report);
    },
  );

  app.post<{ Params: P }>(
    `${base}/batch-delete`,
    { config: json('objects-delete'), schema: routeSchema(c.batchDelete) },
    async (req) => writer.batchDelete(principalOf(req), req.params.type, req.body),
  );

  app.get<{ Params: P; Querystring: { deletedAfter?: string } }>(
    `${base}/removed`,
    { config: { permission: mount.permission('objects-removed') }, schema: routeSchema(c.removed) },
    async (req) => reader.removed(principalOf(req), req.params.type, req.query.deletedAfter),
  );

  app.get<{ Params: P; Querystring: { hydrate: number } }>(
    `${base}/:id`,
    { config: read, schema: routeSchema(c.get) },
    async (req, reply) =>
      sendJson(reply, await reader.get(principalOf(req), req.params.type, req.params.id, hydrateParam(req.query.hydrate))),
  );

  app.put<{ Params: P }>(`${base}/:id`, { config: json('objects-update'), schema: routeSchema(c.replace) }, async (req, reply) =>
    sendJson(reply, await writer.replace(principalOf(req), req.params.type, req.params.id, req.body)),
  );

  app.patch<{ Params: P }>(`${base}/:id`, { config: json('objects-update'), schema: routeSchema(c.patch) }, async (req, reply) =>
    sendJson(reply, await writer.patch(principalOf(req), req.params.type, req.params.id, req.body)),
  );

  const del = { config: { permission: mount.permission('objects-delete') }, schema: routeSchema(c.delete) };
  app.delete<{ Params: P }>(`${base}/:id`, del, async (req, reply) => {
    await writer.delete(principalOf(req), req.params.type, req.params.id);
    // not the documented 204: Flotiq's SDK parses every success as JSON (docs/decisions/0006)
    return sendJson(reply, JSON.stringify({ deletedCount: 1 }));
  });

  app.post<{ Params: P }>(
    `${base}/:id/duplicate`,
    { config: { permission: mount.permission('objects-duplicate') }, schema: routeSchema(c.duplicate) },
    async (req, reply) => sendJson(reply, await writer.duplicate(principalOf(req), req.params.type, req.params.id, req.body)),
  );

  app.get<{ Params: P; Querystring: PageQ }>(
    `${base}/:id/version`,
    { config: read, schema: routeSchema(c.versions) },
    async (req, reply) => {
      const q = req.query;
      const text = await reader.versions(
        principalOf(req),
        req.params.type,
        req.params.id,
        q.page,
        q.limit,
        directionParam(q.order_direction),
      );
      return sendJson(reply, text);
    },
  );

  app.get<{ Params: P & { version: string } }>(
    `${base}/:id/version/:version`,
    { config: read, schema: routeSchema(c.version) },
    async (req, reply) => {
      const v = Number(req.params.version);
      if (!Number.isInteger(v) || v < 1) throw errors.notFound();
      return sendJson(reply, await reader.version(principalOf(req), req.params.type, req.params.id, v));
    },
  );
}
