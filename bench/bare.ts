import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';

/** What the bare route answers: one real response of the scenario under test, replayed byte for byte. */
export interface CannedResponse {
  status: number;
  contentType: string;
  body: Buffer;
}

export interface BareServer {
  port: number;
  set(response: CannedResponse): void;
  close(): Promise<void>;
}

/**
 * The ceiling a scenario is compared with: a minimal Fastify instance (no logger, no hooks, no auth) whose every
 * GET and POST returns the canned bytes from memory. POST bodies are still parsed by Fastify's default JSON parser,
 * as the real server parses them; a multipart body is read into one buffer.
 */
export async function startBare(host = '127.0.0.1'): Promise<BareServer> {
  let canned: CannedResponse = { status: 200, contentType: 'application/json; charset=utf-8', body: Buffer.from('{}') };
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 16 * 1024 * 1024 });
  // an upload's multipart body is read whole (not split into parts): the bare route still receives every byte
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  const handler = async (_req: unknown, reply: FastifyReply) =>
    reply.code(canned.status).header('content-type', canned.contentType).send(canned.body);
  app.get('/*', handler);
  app.post('/*', handler);
  await app.listen({ port: 0, host });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('bare server has no TCP address');
  return {
    port: address.port,
    set(response) {
      canned = response;
    },
    close: () => app.close(),
  };
}
