import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../core/errors.js';
import { parseTransformQuery, parseTrimPath, type TrimSpec } from './image-geometry.js';
import type { ImageRequest, ImageService } from './image.service.js';
import { sendFile } from './send-file.js';
import { Type } from '@sinclair/typebox';
import { Binary, NoContent, routeSchema } from '../http/contract.js';

type Params = { size: string; file: string; id: string; name: string; variant: string; spec: string };

// Flotiq's media URLs are public (README images, the gatsby plugin and the SDK build them without a key).
const pub = { permission: 'public' } as const;

/** §7.3: a public file or rendition; `{W}x{H}` with 0 for "keep the ratio", 0x0 for the original. */
const image = (...names: (keyof Params)[]) =>
  routeSchema({
    summary: 'A media file, resized or transformed',
    tags: ['media'],
    params: Type.Object(Object.fromEntries(names.map((n) => [n, Type.String()]))),
    querystring: Type.Object({ transform: Type.Optional(Type.Unknown({ description: 'A JSON trim specification' })) }),
    response: { 200: Binary, 304: NoContent },
  });

/** `{W}x{H}`; anything else is not a media URL at all (404), while numbers beyond the bound are a 400 later. */
function parseSize(raw: string): { width: number; height: number } {
  const m = /^(\d{1,9})x(\d{1,9})$/.exec(raw);
  if (!m) throw errors.notFound();
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** `name.ext` → the part before the last dot and the extension; a name without one matches no file. */
function splitExt(name: string): [string, string] {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) throw errors.notFound();
  return [name.slice(0, dot), name.slice(dot + 1)];
}

function queryTrim(req: FastifyRequest): TrimSpec | undefined {
  const raw = (req.query as Record<string, unknown>).transform;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw errors.badRequest('transform must be a JSON object');
  return parseTransformQuery(raw);
}

/** The four forms of §7.3: short, SEO name, named variant, and the trim path; all GET (and HEAD) and public. */
export function imageRoutes(app: FastifyInstance, images: ImageService): void {
  const serve = async (req: FastifyRequest, reply: FastifyReply, r: Omit<ImageRequest, 'width' | 'height'>, size: string) => {
    const dims = parseSize(size);
    const query = queryTrim(req);
    if ([r.trim, r.variant, query].filter((x) => x !== undefined).length > 1) {
      throw errors.badRequest('Use one transformation: a variant, the transform path or ?transform=');
    }
    return sendFile(req, reply, await images.serve({ ...dims, ...r, trim: r.trim ?? query }));
  };

  app.get<{ Params: Params }>('/image/:size/:file', { config: pub, schema: image('size', 'file') }, async (req, reply) => {
    const [id, ext] = splitExt(req.params.file);
    return serve(req, reply, { id, ext }, req.params.size);
  });

  app.get<{ Params: Params }>(
    '/image/:size/:id/:name',
    { config: pub, schema: image('size', 'id', 'name') },
    async (req, reply) => serve(req, reply, { id: req.params.id, ext: splitExt(req.params.name)[1] }, req.params.size),
  );

  const variant = image('size', 'id', 'name', 'variant');
  app.get<{ Params: Params }>('/image/:size/:id/:name/variant/:variant', { config: pub, schema: variant }, async (req, reply) =>
    serve(req, reply, { id: req.params.id, ext: splitExt(req.params.name)[1], variant: req.params.variant }, req.params.size),
  );

  const trim = image('size', 'id', 'name', 'spec');
  app.get<{ Params: Params }>('/image/:size/:id/:name/transform/trim/:spec', { config: pub, schema: trim }, async (req, reply) =>
    serve(
      req,
      reply,
      { id: req.params.id, ext: splitExt(req.params.name)[1], trim: parseTrimPath(req.params.spec) },
      req.params.size,
    ),
  );
}
