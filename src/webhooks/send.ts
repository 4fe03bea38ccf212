import http from 'node:http';
import https from 'node:https';
import type { WebhookUrlPolicy } from './webhook-url.js';

export interface SendResult {
  /** HTTP status, or null when no answer came (network error, timeout, refused address). */
  status: number | null;
  durationMs: number;
  /** Why it did not succeed (null on 2xx). Never holds a header value. */
  error: string | null;
  /** The answer's body, at most 64 KiB (sync hooks read it). */
  body: string;
}

const MAX_BODY = 64 * 1024;

/**
 * Connections are kept open between deliveries (a busy webhook otherwise pays a TCP, and for https a TLS, handshake
 * per event, on both ends). A kept socket stays bound to the address the policy's lookup allowed when it connected.
 */
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 32, maxFreeSockets: 32, timeout: 30_000 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 32, maxFreeSockets: 32, timeout: 30_000 }),
};

/**
 * POSTs a JSON body with a hard deadline over the whole exchange, connecting only to addresses the policy allows.
 * Never throws: every failure is a result.
 */
export function sendJson(
  policy: WebhookUrlPolicy,
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<SendResult> {
  const started = performance.now();
  const done = (status: number | null, error: string | null, text = ''): SendResult => ({
    status,
    durationMs: Math.round(performance.now() - started),
    error,
    body: text,
  });
  const refused = policy.checkUrl(rawUrl);
  if (refused) return Promise.resolve(done(null, refused));
  const url = new URL(rawUrl);
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = lib.request(
      url,
      {
        method: 'POST',
        lookup: policy.lookup,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        agent: url.protocol === 'https:' ? agents['https:'] : agents['http:'],
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_BODY) chunks.push(c);
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          finish(done(status, status >= 200 && status < 300 ? null : `The receiver answered ${status}`, text));
        });
        res.on('error', (e) => finish(done(res.statusCode ?? null, `Reading the answer failed: ${e.message}`)));
      },
    );
    const timer = setTimeout(() => {
      finish(done(null, `No answer within ${timeoutMs} ms`));
      req.destroy();
    }, timeoutMs);
    req.on('error', (e) => finish(done(null, `Request failed: ${e.message}`)));
    req.end(body);
  });
}
