// The sending thread's entry (see sender.ts): POSTs each batch of deliveries it is given and answers their results
// in one message. Runs in a worker thread, so the HTTP client's work is off the thread that serves requests.
import { parentPort, workerData } from 'node:worker_threads';
import { sendJson } from './send.js';
import type { SendBatch, SendRoute, SendThreadData, SentBatch } from './sender.js';
import { signature, SIGNATURE_HEADER } from './signature.js';
import { WebhookUrlPolicy } from './webhook-url.js';
import { yieldToRequests } from '../core/threads.js';

// deliveries are background work: they take what serving requests leaves of the cores
// (decision 0012, addendum of session 6)
yieldToRequests();

const data = workerData as SendThreadData;
const policy = new WebhookUrlPolicy(data.allowed, data.denied);
const port = parentPort!;

// signing here keeps the HMAC of every body off the thread that serves requests
const headersOf = (route: SendRoute, body: string, extra: Record<string, string> | null) => {
  const headers = extra ? { ...route.headers, ...extra } : route.headers;
  return route.sign ? { ...headers, [SIGNATURE_HEADER]: signature(route.sign.secret, route.sign.t, body) } : headers;
};

port.on('message', (m: SendBatch) => {
  const sends = m.items.map(([i, body, extra]) => {
    const route = m.routes[i];
    return sendJson(policy, route.url, body, headersOf(route, body, extra), route.timeoutMs);
  });
  void Promise.all(sends).then((results) => {
    const reply: SentBatch = { batch: m.batch, results: results.map((r) => [r.status, r.durationMs, r.error]) };
    port.postMessage(reply);
  });
});
