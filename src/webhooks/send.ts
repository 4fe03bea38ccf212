import { setMaxListeners } from 'node:events';
import type { Agent } from 'undici';
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
 * One HTTP client per address policy. undici with one deadline per round took the sending thread from 80 to 49–57 µs
 * of CPU per delivery, against node:http's client (decision 0012, addendum of session 7). Connections are kept open
 * between deliveries (a busy webhook otherwise pays a TCP, and for https a TLS, handshake per event, on both ends);
 * every new connection resolves its host through the policy's lookup, so a kept socket stays bound to an address the
 * policy allowed.
 */
const clients = new WeakMap<WebhookUrlPolicy, Promise<Agent>>();
function clientOf(policy: WebhookUrlPolicy): Promise<Agent> {
  let agent = clients.get(policy);
  if (!agent) {
    // loaded with the first delivery: a server without webhooks never holds the client (issue 14's memory target)
    agent = import('undici').then(
      ({ Agent }) => new Agent({ connections: 32, keepAliveTimeout: 30_000, connect: { lookup: policy.lookup } }),
    );
    clients.set(policy, agent);
  }
  return agent;
}

/**
 * One deadline over requests started together (a sending round's requests to one webhook): one timer and one abort
 * signal for all of them, instead of one each.
 */
export class Deadline {
  private readonly abort = new AbortController();
  private readonly timer: NodeJS.Timeout;
  expired = false;

  constructor(readonly ms: number) {
    // every request of the round listens to this signal
    setMaxListeners(0, this.abort.signal);
    this.timer = setTimeout(() => {
      this.expired = true;
      this.abort.abort();
    }, ms);
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/** A webhook URL checked against the policy, or why it may not be called. */
export function target(policy: WebhookUrlPolicy, rawUrl: string): URL | string {
  return policy.checkUrl(rawUrl) ?? new URL(rawUrl);
}

/**
 * POSTs a JSON body with a hard deadline over the whole exchange, connecting only to addresses the policy allows.
 * Never throws: every failure is a result.
 */
export async function sendJson(
  policy: WebhookUrlPolicy,
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<SendResult> {
  const url = target(policy, rawUrl);
  if (typeof url === 'string') return { status: null, durationMs: 0, error: url, body: '' };
  const deadline = new Deadline(timeoutMs);
  try {
    return await post(policy, url, body, { ...headers, 'content-type': 'application/json' }, deadline, true);
  } finally {
    deadline.clear();
  }
}

/**
 * POSTs a JSON body to a checked URL before the deadline; the answer's body is read only when `keepBody` (sync hooks
 * read it; deliveries only need the status). Never throws: every failure is a result.
 */
export async function post(
  policy: WebhookUrlPolicy,
  url: URL,
  body: string,
  /** By name, or as undici's flat [name, value, …] list. */
  headers: Record<string, string> | string[],
  deadline: Deadline,
  keepBody: boolean,
): Promise<SendResult> {
  const started = performance.now();
  const done = (status: number | null, error: string | null, text = ''): SendResult => ({
    status,
    durationMs: Math.round(performance.now() - started),
    error,
    body: text,
  });
  const late = () => done(null, `No answer within ${deadline.ms} ms`);
  try {
    const res = await (
      await clientOf(policy)
    ).request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers,
      body,
      signal: deadline.signal,
    });
    const status = res.statusCode;
    const error = status >= 200 && status < 300 ? null : `The receiver answered ${status}`;
    if (!keepBody) {
      try {
        await res.body.dump();
      } catch (e) {
        return deadline.expired ? late() : done(status, `Reading the answer failed: ${messageOf(e)}`);
      }
      return done(status, error);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const c of res.body as AsyncIterable<Buffer>) {
        size += c.length;
        if (size <= MAX_BODY) chunks.push(c);
      }
    } catch (e) {
      return deadline.expired ? late() : done(status, `Reading the answer failed: ${messageOf(e)}`);
    }
    return done(status, error, Buffer.concat(chunks).toString('utf8'));
  } catch (e) {
    return deadline.expired ? late() : done(null, `Request failed: ${messageOf(e)}`);
  }
}

/** What failed, as the error says it (a refused address carries the policy's reason). */
function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
