// The sending thread's entry (see sender.ts): POSTs each batch of deliveries it is given and answers their results
// in one message. Runs in a worker thread, so the HTTP client's work is off the thread that serves requests.
import { parentPort, workerData } from 'node:worker_threads';
import { sendJson } from './send.js';
import type { SendRequest, SendThreadData, SentBatch } from './sender.js';
import { signature, SIGNATURE_HEADER } from './signature.js';
import { WebhookUrlPolicy } from './webhook-url.js';
import { yieldToRequests } from '../core/threads.js';

// deliveries are background work: they take what serving requests leaves of the cores (decision 0012, addendum of session 6)
yieldToRequests();

const data = workerData as SendThreadData;
const policy = new WebhookUrlPolicy(data.allowed, data.denied);
const port = parentPort!;

// signing here keeps the HMAC of every body off the thread that serves requests
const headersOf = ({ headers, sign, body }: SendRequest) =>
  sign ? { ...headers, [SIGNATURE_HEADER]: signature(sign.secret, sign.t, body) } : headers;

port.on('message', (m: { batch: number; requests: SendRequest[] }) => {
  void Promise.all(m.requests.map((r) => sendJson(policy, r.url, r.body, headersOf(r), r.timeoutMs))).then((results) => {
    const reply: SentBatch = { batch: m.batch, results: results.map(({ body: _body, ...rest }) => rest) };
    port.postMessage(reply);
  });
});
