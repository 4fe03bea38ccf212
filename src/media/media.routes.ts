import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { open } from 'node:fs/promises';
import { errors } from '../core/errors.js';
import { principalOf } from '../http/route-auth.js';
import { API_MOUNT, PANEL_MOUNT } from '../http/route-mount.js';
import type { MediaUploadService, ReceivedUpload } from './media-upload.service.js';
import { AnyObject, NoQuery, routeSchema } from '../http/contract.js';

/**
 * How far past the limit we keep counting an oversized file, so the 400 can say how large it was (Flotiq prints the
 * size). The parser reads the rest of the body either way; past this cap it only stops counting.
 */
const countCap = (maxBytes: number) => maxBytes * 4 + 1024 * 1024;

/** Streams the multipart body: the first `file` part into `tmpPath` (at most maxBytes of it), the fields as text. */
async function receive(req: FastifyRequest, tmpPath: string, maxBytes: number): Promise<ReceivedUpload> {
  const out: ReceivedUpload = { fields: {} };
  for await (const part of req.parts({ limits: { fileSize: countCap(maxBytes), files: 4, fields: 20, fieldSize: 64 * 1024 } })) {
    if (part.type === 'field') {
      out.fields[part.fieldname] ??= String(part.value);
      continue;
    }
    if (part.fieldname !== 'file' || out.file) {
      part.file.resume(); // not ours: drain it so the parser reaches the next part
      continue;
    }
    const fh = await open(tmpPath, 'wx');
    let size = 0;
    try {
      for await (const chunk of part.file) {
        const c = chunk as Buffer;
        if (size + c.length <= maxBytes) await fh.write(c);
        size += c.length;
      }
    } finally {
      await fh.close();
    }
    out.file = { size, sizeKnown: !part.file.truncated, declaredMime: part.mimetype ?? '', fileName: part.filename };
  }
  return out;
}

/** `POST /api/media` (§7.1). Multipart lives in this plugin only: no other route accepts multipart bodies. */
export function mediaRoutes(uploads: MediaUploadService, maxBytes: number) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(multipart, { throwFileSizeLimit: false });
    // Any other body reaches the handler unread, so a caller without the right hears 403 whatever it sent, and
    // only an allowed caller learns that the body must be multipart (415).
    app.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    for (const mount of [API_MOUNT, PANEL_MOUNT]) {
      // the Panel uploads with its session (and CSRF token); the service decides with that session's Principal
      const schema = routeSchema({
        summary: 'Upload a file (multipart: file, and optionally type, id)',
        tags: ['media'],
        querystring: NoQuery,
        consumes: ['multipart/form-data'],
        response: { 200: AnyObject('The `_media` object created') },
        hide: mount !== API_MOUNT,
      });
      app.post(
        `${mount.prefix}/api/media`,
        { config: { permission: mount.permission('media-create') }, schema },
        async (req, reply) => {
          const json = await uploads.upload(principalOf(req), (tmp) => {
            if (!req.isMultipart()) throw errors.unsupportedMediaType();
            return receive(req, tmp, maxBytes);
          });
          return reply.type('application/json; charset=utf-8').send(json);
        },
      );
    }
  };
}
