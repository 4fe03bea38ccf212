import type { FastifyInstance } from 'fastify';
import { boolParam, directionParam, intParam, listParam } from '../core/query-params.js';
import { principalOf } from '../http/route-auth.js';
import type { ContentTypesService } from './content-types.service.js';
import { API_MOUNT, type RouteMount } from '../http/route-mount.js';

type Q = Record<string, unknown>;

/** The Flotiq CTD endpoints: thin transport over ContentTypesService. */
export function contentTypesRoutes(app: FastifyInstance, types: ContentTypesService, mount: RouteMount = API_MOUNT): void {
  const base = `${mount.prefix}/api/v1/internal/contenttype`;
  const list = { permission: mount.permission('ctd-list') };
  const read = { permission: mount.permission('ctd-read') };
  const write = { permission: mount.permission('ctd-write') };
  const writeJson = { permission: mount.permission('ctd-write'), jsonBody: true };

  app.get(base, { config: list }, async (req) => {
    const q = req.query as Q;
    const internal = q.internal === undefined || q.internal === '' ? undefined : boolParam(q.internal);
    return types.list(principalOf(req), {
      page: intParam(q.page, 'page', 1, 1, 1_000_000),
      limit: intParam(q.limit, 'limit', 20, 1, 10_000),
      orderBy: typeof q.order_by === 'string' && q.order_by !== '' ? q.order_by : 'name',
      direction: directionParam(q.order_direction),
      name: typeof q.name === 'string' && q.name !== '' ? q.name : undefined,
      names: listParam(q.names ?? q['names[]'], 'names'),
      label: typeof q.label === 'string' && q.label !== '' ? q.label : undefined,
      internal,
    });
  });

  app.post(base, { config: writeJson }, async (req) => types.create(principalOf(req), req.body));

  app.get<{ Params: { name: string } }>(`${base}/:name`, { config: read }, async (req) => {
    const q = req.query as Q;
    return types.get(principalOf(req), req.params.name, {
      resolveRef: boolParam(q.resolveRef),
      strictSchema: boolParam(q.strictSchema),
    });
  });

  app.put<{ Params: { name: string } }>(`${base}/:name`, { config: writeJson }, async (req) =>
    types.update(principalOf(req), req.params.name, req.body),
  );

  app.delete<{ Params: { name: string } }>(`${base}/:name`, { config: write }, async (req, reply) => {
    await types.delete(principalOf(req), req.params.name);
    return reply.code(200).send();
  });

  app.post<{ Params: { name: string } }>(`${base}/:name/purge`, { config: write }, async (req, reply) => {
    const body = (req.body ?? {}) as { deleteSchema?: unknown };
    await types.purge(principalOf(req), req.params.name, body.deleteSchema === true || body.deleteSchema === 'true');
    return reply.code(204).send();
  });
}
