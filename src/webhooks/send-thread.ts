// The sending thread's entry (see sender.ts): POSTs each batch of deliveries it is given and answers their results
// in one message. Runs in a worker thread, so the HTTP client's work is off the thread that serves requests.
import { parentPort, workerData } from 'node:worker_threads';
import { Deadline, post, target } from './send.js';
import type { SendBatch, SendRoute, SendThreadData, SentBatch } from './sender.js';
import { DELIVERY_HEADER, signature, SIGNATURE_HEADER } from './signature.js';
import { WebhookUrlPolicy } from './webhook-url.js';
import { yieldToRequests } from '../core/threads.js';

// deliveries are background work: they take what serving requests leaves of the cores
// (decision 0012, addendum of session 6)
yieldToRequests();

const data = workerData as SendThreadData;
const policy = new WebhookUrlPolicy(data.allowed, data.denied);
const port = parentPort!;

/** The headers a request sets itself: a route's headers never carry these names (any case). */
const OWN = new Set([SIGNATURE_HEADER.toLowerCase(), DELIVERY_HEADER.toLowerCase()]);

/**
 * A route's headers as undici's flat [name, value, …] list, made once per route and batch; a request appends its
 * delivery id and signature to a copy. (Spreading the route's object and adding three names cost ~5 µs a request.)
 */
const routeHeaders = (route: SendRoute): string[] => {
  const flat: string[] = [];
  for (const [name, value] of Object.entries({ ...route.headers, 'content-type': 'application/json' }))
    if (!OWN.has(name.toLowerCase())) flat.push(name, value);
  return flat;
};

// signing here keeps the HMAC of every body off the thread that serves requests
const headersOf = (base: string[], route: SendRoute, body: string, delivery: string | null): string[] => {
  const headers = base.slice();
  if (delivery !== null) headers.push(DELIVERY_HEADER, delivery);
  if (route.sign) headers.push(SIGNATURE_HEADER, signature(route.sign.secret, route.sign.t, body));
  return headers;
};

port.on('message', (m: SendBatch) => {
  // per route of the batch: its URL checked once, and one deadline for its requests (they start together)
  const targets = m.routes.map((r) => target(policy, r.url));
  const deadlines = m.routes.map((r) => new Deadline(r.timeoutMs));
  const bases = m.routes.map(routeHeaders);
  const sends = m.items.map(([i, body, delivery]): Promise<[number | null, number, string | null]> => {
    const url = targets[i];
    if (typeof url === 'string') return Promise.resolve([null, 0, url]);
    return post(policy, url, body, headersOf(bases[i], m.routes[i], body, delivery), deadlines[i], false).then((r) => [
      r.status,
      r.durationMs,
      r.error,
    ]);
  });
  void Promise.all(sends).then((results) => {
    for (const d of deadlines) d.clear();
    const reply: SentBatch = { batch: m.batch, results };
    port.postMessage(reply);
  });
});
