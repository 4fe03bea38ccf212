import type { FastifyInstance, FastifyReply } from 'fastify';
import { boolParam, directionParam, intParam, listParam } from '../core/query-params.js';
import { errors } from '../core/errors.js';
import { principalOf } from '../http/route-auth.js';
import { API_MOUNT, type RouteMount } from '../http/route-mount.js';
import type { ContentService } from './content.service.js';
import type { ContentWriter } from './content-writer.service.js';

type Q = Record<string, unknown>;
type P = { type: string; id: string };

const sendJson = (reply: FastifyReply, text: string, status = 200) =>
  reply.code(status).type('application/json; charset=utf-8').send(text);

function hydrateParam(raw: unknown): 0 | 1 | 2 {
  const n = intParam(raw, 'hydrate', 0, 0, 2);
  return n as 0 | 1 | 2;
}

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

  app.get<{ Params: P }>(base, { config: read }, async (req, reply) => {
    const q = req.query as Q;
    const ids = q['ids[]'] ?? q.ids;
    const text = await reader.list(principalOf(req), req.params.type, {
      page: intParam(q.page, 'page', 1, 1, 1_000_000_000),
      limit: intParam(q.limit, 'limit', 20, 1, 1000),
      orderBy: typeof q.order_by === 'string' && q.order_by !== '' ? q.order_by : undefined,
      direction: directionParam(q.order_direction),
      filters: typeof q.filters === 'string' ? q.filters : q.filters === undefined ? undefined : JSON.stringify(q.filters),
      ids: ids === undefined ? undefined : listParam(ids, 'ids'),
      emptyFirst: boolParam(q.empty_first),
      hydrate: hydrateParam(q.hydrate),
    });
    return sendJson(reply, text);
  });

  app.post<{ Params: P }>(base, { config: json('objects-create') }, async (req, reply) =>
    sendJson(reply, await writer.create(principalOf(req), req.params.type, req.body)),
  );

  app.post<{ Params: P }>(`${base}/batch`, { config: json('objects-upsert') }, async (req, reply) => {
    const q = req.query as Q;
    const { status, report } = await writer.batchCreate(principalOf(req), req.params.type, req.body, boolParam(q.updateExisting));
    return reply.code(status).send(report);
  });

  app.patch<{ Params: P }>(`${base}/batch`, { config: json('objects-update') }, async (req, reply) => {
    const { status, report } = await writer.batchPatch(principalOf(req), req.params.type, req.body);
    return reply.code(status).send(report);
  });

  app.post<{ Params: P }>(`${base}/batch-delete`, { config: json('objects-delete') }, async (req) =>
    writer.batchDelete(principalOf(req), req.params.type, req.body),
  );

  app.get<{ Params: P }>(`${base}/removed`, { config: { permission: mount.permission('objects-removed') } }, async (req) => {
    const q = req.query as Q;
    return reader.removed(principalOf(req), req.params.type, typeof q.deletedAfter === 'string' ? q.deletedAfter : undefined);
  });

  app.get<{ Params: P }>(`${base}/:id`, { config: read }, async (req, reply) =>
    sendJson(reply, await reader.get(principalOf(req), req.params.type, req.params.id, hydrateParam((req.query as Q).hydrate))),
  );

  app.put<{ Params: P }>(`${base}/:id`, { config: json('objects-update') }, async (req, reply) =>
    sendJson(reply, await writer.replace(principalOf(req), req.params.type, req.params.id, req.body)),
  );

  app.patch<{ Params: P }>(`${base}/:id`, { config: json('objects-update') }, async (req, reply) =>
    sendJson(reply, await writer.patch(principalOf(req), req.params.type, req.params.id, req.body)),
  );

  app.delete<{ Params: P }>(`${base}/:id`, { config: { permission: mount.permission('objects-delete') } }, async (req, reply) => {
    await writer.delete(principalOf(req), req.params.type, req.params.id);
    // not the documented 204: Flotiq's SDK parses every success as JSON (docs/decisions/0006)
    return sendJson(reply, JSON.stringify({ deletedCount: 1 }));
  });

  app.post<{ Params: P }>(
    `${base}/:id/duplicate`,
    { config: { permission: mount.permission('objects-duplicate') } },
    async (req, reply) => sendJson(reply, await writer.duplicate(principalOf(req), req.params.type, req.params.id, req.body)),
  );

  app.get<{ Params: P }>(`${base}/:id/version`, { config: read }, async (req, reply) => {
    const q = req.query as Q;
    const text = await reader.versions(
      principalOf(req),
      req.params.type,
      req.params.id,
      intParam(q.page, 'page', 1, 1, 1_000_000),
      intParam(q.limit, 'limit', 20, 1, 1000),
      directionParam(q.order_direction),
    );
    return sendJson(reply, text);
  });

  app.get<{ Params: P & { version: string } }>(`${base}/:id/version/:version`, { config: read }, async (req, reply) => {
    const v = Number(req.params.version);
    if (!Number.isInteger(v) || v < 1) throw errors.notFound();
    return sendJson(reply, await reader.version(principalOf(req), req.params.type, req.params.id, v));
  });
}
