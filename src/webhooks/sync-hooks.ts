import { AppError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { Principal } from '../core/principal.js';
import type { BeforeWrite, PendingWrite } from '../content/content-writer.service.js';
import type { Storage } from '../storage/port.js';
import { sendJson } from './send.js';
import { signature, SIGNATURE_HEADER } from './signature.js';
import { covers, type Webhook } from './webhook.js';
import { EXECUTIONS_KEPT, type WebhooksService } from './webhooks.service.js';

const ACTION = { create: 'Create', update: 'Update', delete: 'Delete' } as const;
/** Flotiq's bound for a sync hook; FLOTILLA_WEBHOOK_TIMEOUT_MS may only lower it. */
export const SYNC_TIMEOUT_MAX_MS = 5000;

const refuse = (w: Webhook, why: string) => new AppError(400, { __webhook: [`Error processing ${w.name} webhook: ${why}`] });

function userInfo(p: Principal) {
  if (p.kind === 'api-key') return { id: p.keyId, firstName: '', lastName: '', apiKeyName: p.name };
  if (p.kind === 'user') return { id: p.userId, firstName: '', lastName: '', apiKeyName: null };
  return { id: 'system', firstName: '', lastName: '', apiKeyName: null };
}

/** What a hook's answer says: the (possibly changed) payload, or why the write is refused. */
function readAnswer(w: Webhook, status: number | null, text: string, error: string | null, current: unknown): unknown {
  let answer: { payload?: unknown; response?: { errors?: unknown } } | undefined;
  try {
    answer = text.trim() === '' ? undefined : (JSON.parse(text) as typeof answer);
  } catch {
    throw refuse(w, 'the reply is not JSON');
  }
  if (status === 400) {
    const errs = answer?.response?.errors;
    const list = Array.isArray(errs)
      ? errs.map(String)
      : errs && typeof errs === 'object'
        ? Object.entries(errs).map(([k, v]) => `${k}: ${String(v)}`)
        : [];
    throw refuse(w, list.length > 0 ? list.join('; ') : 'the hook rejected the change');
  }
  if (error !== null || status !== 200) throw refuse(w, error ?? `the hook answered ${status}`);
  if (!answer || typeof answer !== 'object') throw refuse(w, 'the reply has no payload');
  if (answer.payload === undefined) return current;
  if (!answer.payload || typeof answer.payload !== 'object' || Array.isArray(answer.payload)) {
    throw refuse(w, 'the payload of the reply must be an object');
  }
  return answer.payload;
}

/**
 * Sync webhooks (`type: sync`): before a write is prepared, each matching hook in turn gets Flotiq's request and
 * may answer a changed payload (validated afterwards like any body, relations included) or reject the write.
 * They run before any transaction opens, so a slow hook holds no lock; each is bounded by its timeout.
 */
export function syncHooks(webhooks: WebhooksService, storage: Storage, clock: Clock, timeoutMs: number): BeforeWrite {
  const timeout = Math.min(timeoutMs, SYNC_TIMEOUT_MAX_MS);
  const syncOn = async (type: string) =>
    (await webhooks.cached()).filter((w) => w.enabled && w.type === 'sync' && covers(w, type));
  const mayAct = async (type: string) => (await syncOn(type)).length > 0;
  const run = async (p: Principal, write: PendingWrite) => {
    const action = ACTION[write.action];
    const hooks = (await syncOn(write.type)).filter((w) => w.actions.includes(action));
    let body = write.body;
    for (const [i, w] of hooks.entries()) {
      const now = clock.now();
      const log = async (
        status: 'done' | 'error',
        httpStatus: number | null,
        durationMs: number | null,
        error: string | null,
      ) => {
        // the call is over: logged once, with its outcome
        await storage.webhooks.addExecution({
          webhookId: w.id,
          eventSeq: null,
          status,
          attempts: 0,
          httpStatus,
          durationMs,
          error,
          action: `pre-${write.action}`,
          contentType: write.type,
          objectId: write.id ?? null,
          payload: '{}',
          nextAttemptMs: now,
          createdMs: now,
          updatedMs: now,
        });
        await storage.webhooks.pruneExecutions(w.id, EXECUTIONS_KEPT);
      };
      const refusal = await webhooks.refusal(w, write.type);
      if (refusal) {
        await log('error', null, null, refusal);
        continue;
      }
      const request = JSON.stringify({
        type: 'request',
        subject: 'content-object',
        event: `pre-${write.action}`,
        sequenceNumber: i,
        contentTypeName: write.type,
        userInfo: userInfo(p),
        payload: body,
      });
      const headers: Record<string, string> = {};
      for (const h of w.headers) headers[h.name] = h.value;
      headers['user-agent'] = 'Flotilla-Webhooks/1';
      headers[SIGNATURE_HEADER] = signature(await webhooks.secret(w.id), Math.floor(now / 1000), request);
      const r = await sendJson(webhooks.policy, w.url, request, headers, timeout);
      try {
        const next = readAnswer(w, r.status, r.body, r.status === 400 ? null : r.error, body);
        await log('done', r.status, r.durationMs, null);
        if (write.action !== 'delete') body = next;
      } catch (e) {
        const message = ((e as AppError).body as { __webhook: string[] }).__webhook[0];
        await log('error', r.status, r.durationMs, message);
        throw e;
      }
    }
    return body;
  };
  return { run, mayAct };
}
