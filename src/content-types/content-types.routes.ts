import type { FastifyInstance } from 'fastify';
import { boolParam, directionParam, listParam } from '../core/query-params.js';
import { principalOf } from '../http/route-auth.js';
import type { ContentTypesService } from './content-types.service.js';
import { API_MOUNT, type RouteMount } from '../http/route-mount.js';
import { routeSchema } from '../http/contract.js';
import { contentTypeContracts as c } from './content-types.contract.js';

type ListQ = {
  page: number;
  limit: number;
  order_by?: string;
  order_direction?: string;
  name?: string;
  names?: string[];
  'names[]'?: string[];
  label?: string;
  internal?: string;
};
type GetQ = { resolveRef?: string; strictSchema?: string };
type Name = { Params: { name: string } };

/** The Flotiq CTD endpoints: thin transport over ContentTypesService. */
export function contentTypesRoutes(app: FastifyInstance, types: ContentTypesService, mount: RouteMount = API_MOUNT): void {
  const base = `${mount.prefix}/api/v1/internal/contenttype`;
  const list = { permission: mount.permission('ctd-list') };
  const read = { permission: mount.permission('ctd-read') };
  const write = { permission: mount.permission('ctd-write') };
  const writeJson = { permission: mount.permission('ctd-write'), jsonBody: true };

  app.get<{ Querystring: ListQ }>(base, { config: list, schema: routeSchema(c.list) }, async (req) => {
    const q = req.query;
    const internal = q.internal === undefined || q.internal === '' ? undefined : boolParam(q.internal);
    return types.list(principalOf(req), {
      page: q.page,
      limit: q.limit,
      orderBy: q.order_by || 'name',
      direction: directionParam(q.order_direction),
      name: q.name || undefined,
      names: listParam(q.names ?? q['names[]'], 'names'),
      label: q.label || undefined,
      internal,
    });
  });

  app.post(base, { config: writeJson, schema: routeSchema(c.create) }, async (req) => types.create(principalOf(req), req.body));

  app.get<Name & { Querystring: GetQ }>(`${base}/:name`, { config: read, schema: routeSchema(c.get) }, async (req) => {
    const q = req.query;
    return types.get(principalOf(req), req.params.name, {
      resolveRef: boolParam(q.resolveRef),
      strictSchema: boolParam(q.strictSchema),
    });
  });

  app.put<Name>(`${base}/:name`, { config: writeJson, schema: routeSchema(c.update) }, async (req) =>
    types.update(principalOf(req), req.params.name, req.body),
  );

  app.delete<Name>(`${base}/:name`, { config: write, schema: routeSchema(c.delete) }, async (req, reply) => {
    await types.delete(principalOf(req), req.params.name);
    return reply.code(200).send();
  });

  app.post<Name>(`${base}/:name/purge`, { config: write, schema: routeSchema(c.purge) }, async (req, reply) => {
    const body = (req.body ?? {}) as { deleteSchema?: unknown };
    await types.purge(principalOf(req), req.params.name, body.deleteSchema === true || body.deleteSchema === 'true');
    return reply.code(204).send();
  });
}
