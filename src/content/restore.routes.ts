import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AuditService } from '../auth/audit.service.js';
import { errors } from '../core/errors.js';
import { IgnoredBody, panelContract } from '../http/contract.js';
import { principalOf } from '../http/route-auth.js';
import { PANEL_MOUNT } from '../http/route-mount.js';
import type { ContentWriter } from './content-writer.service.js';

const RESTORE = panelContract('Restore a version: a new version holding its fields; the audit trail names who did it', {
  params: Type.Object({ type: Type.String(), id: Type.String(), version: Type.String() }),
  body: IgnoredBody,
  response: { 200: Type.Object({ version: Type.Integer({ description: 'The new version' }) }) },
});

/**
 * `POST /panel/api/content/{type}/{id}/versions/{version}/restore`: the Panel's "Restore this version". The server
 * reads the old version itself (so the trail's "restored version n" is what was written) and writes it as a full
 * update with the session's permissions: read to see the version, update to write it.
 */
export function restoreRoutes(app: FastifyInstance, writer: ContentWriter, audit: AuditService): void {
  app.post<{ Params: { type: string; id: string; version: string } }>(
    `${PANEL_MOUNT.prefix}/api/content/:type/:id/versions/:version/restore`,
    { config: { permission: 'panel-session' }, schema: RESTORE },
    async (req) => {
      const { type, id } = req.params;
      const from = /^[1-9]\d{0,8}$/.test(req.params.version) ? Number(req.params.version) : NaN;
      if (Number.isNaN(from)) throw errors.notFound();
      const p = principalOf(req);
      const version = await writer.restore(p, type, id, from);
      await audit.record(p, 'object.restored', null, { type, id, restored: from, version });
      return { version };
    },
  );
}
