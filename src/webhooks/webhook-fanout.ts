import type { Clock } from '../core/clock.js';
import type { ContentEvent } from '../core/content-event.js';
import type { EventConsumer } from '../events/event-worker.js';
import { objectJson } from '../content/object-json.js';
import type { Storage, StoredObject, WrittenTypes } from '../storage/port.js';
import type { NewExecution } from '../storage/webhook-port.js';
import type { Attempt, WebhookDelivery } from './webhook-delivery.js';
import { covers, type Webhook, type WebhookAction } from './webhook.js';
import type { WebhooksService } from './webhooks.service.js';

// a change of publication (Draft & Public) is an update of the object as the world sees it
const ACTION: Record<string, WebhookAction | undefined> = {
  create: 'Create',
  update: 'Update',
  delete: 'Delete',
  publish: 'Update',
  unpublish: 'Update',
  archive: 'Update',
};

/** Which webhooks an event goes to: async ones for objects, `ctd` ones for definitions, by type and action. */
function receivers(all: readonly Webhook[], e: ContentEvent): Webhook[] {
  const action = Object.hasOwn(ACTION, e.action) ? ACTION[e.action] : undefined;
  if (!action) return [];
  const wanted = e.kind === 'type' ? 'ctd' : 'async';
  // a webhook hears of what changed from its creation on: the outbox may still hold older events when it is saved
  return all.filter(
    (w) => w.enabled && w.type === wanted && w.actions.includes(action) && covers(w, e.contentType) && e.atMs >= w.createdMs,
  );
}

/** The types whose objects enabled async webhooks deliver: '*' when one covers every type, null when none is on. */
function writtenTypes(all: readonly Webhook[]): WrittenTypes {
  const on = all.filter((w) => w.enabled && w.type === 'async');
  if (on.length === 0) return null;
  if (on.some((w) => w.types.length === 0)) return '*';
  return new Set(on.flatMap((w) => w.types));
}

const rowKey = (type: string, id: string) => `${type}\0${id.toLowerCase()}`;

/**
 * The objects of these events: taken from memory where this node's commit wrote them moments ago
 * (Storage.takeWritten, at the event's version), the others read, one query per type (a changed-again object is read
 * once, at its latest state).
 */
async function readObjects(tx: Storage, events: readonly ContentEvent[]): Promise<Map<string, StoredObject>> {
  const read = new Map<string, StoredObject>();
  const byType = new Map<string, Set<string>>();
  for (const e of events) {
    const kept = e.version !== null ? tx.takeWritten(e.contentType, e.objectId!, e.version) : undefined;
    if (kept) {
      read.set(rowKey(e.contentType, kept.id), kept);
      continue;
    }
    let ids = byType.get(e.contentType);
    if (!ids) byType.set(e.contentType, (ids = new Set()));
    ids.add(e.objectId!);
  }
  for (const [type, ids] of byType)
    for (const row of await tx.getObjectsAnyState(type, [...ids])) {
      // what memory gave is the event's version; a read is the latest, which a later event of the batch may also want
      const key = rowKey(type, row.id);
      if (!read.has(key)) read.set(key, row);
    }
  return read;
}

/**
 * Flotiq's payload: the object (or definition) as it was at the event, as JSON text; only its id for a deletion.
 * The object's JSON is spliced into the body as served (parsing and serialising it again would only cost time).
 */
async function payloadOf(
  tx: Storage,
  e: ContentEvent,
  read: Map<string, StoredObject>,
): Promise<{ ref: string; payload: string; draft?: boolean } | undefined> {
  if (e.kind === 'type') {
    const ref = `/api/v1/internal/contenttype/${e.contentType}`;
    if (e.action === 'delete') return { ref, payload: JSON.stringify({ name: e.contentType }) };
    const stored = await tx.getType(e.contentType);
    return stored ? { ref, payload: JSON.stringify(JSON.parse(stored.definition)) } : undefined;
  }
  const id = e.objectId!;
  const base = `/api/v1/content/${e.contentType}/${encodeURIComponent(id)}`;
  if (e.action === 'delete') return { ref: base, payload: JSON.stringify({ id }) };
  const row = read.get(rowKey(e.contentType, id)) ?? (await tx.getObjectAnyState(e.contentType, id));
  if (!row) return undefined;
  let json = objectJson(row);
  if (e.version !== null && e.version !== row.version) {
    // changed again since: deliver the version this event is about
    const v = await tx.getVersion(e.contentType, id, e.version, 'preview');
    if (v) json = objectJson({ ...row, version: v.version, updatedMs: v.createdMs }, v.data);
  }
  const draft = row.status !== null && row.status !== 'public';
  return { ref: `${base}/version/${e.version ?? row.version}`, payload: json, draft };
}

/**
 * The event subscriber that queues webhook deliveries: for every event, one execution per matching webhook, in the
 * transaction that claims the event (so a crash re-runs it, and the unique (webhook, event) pair keeps it once).
 * A webhook whose saver may no longer read the type gets an execution in `error` saying why, and nothing is sent.
 * Up to the delivery's `room` of the executions to send are not written here: their events are held (leased to this
 * node, unprocessed) and their first attempts handed to the delivery after the commit, which writes each execution
 * once, with that attempt's outcome, and finishes the event. The others are inserted, and the delivery loop claims
 * them (it is woken only when the batch queued something to send). Each batch also writes the outcomes of the
 * delivery's rounds sent since the previous one (WebhookDelivery.recordInto).
 */
export function webhookFanout(
  webhooks: WebhooksService,
  clock: Clock,
  delivery: Pick<WebhookDelivery, 'room' | 'leaseUntil' | 'queued' | 'recordInto'>,
): EventConsumer {
  let wantedFor: readonly Webhook[] | undefined;
  return async (events, tx, afterCommit, hold) => {
    // this transaction runs anyway: it writes the outcomes of the rounds sent since the last one
    await delivery.recordInto(tx, afterCommit);
    let all = await webhooks.current(tx);
    if (all !== wantedFor) {
      // from now on this node's writes of the types these webhooks cover stay in memory for their payloads
      tx.rememberWritten(writtenTypes(all));
      wantedFor = all;
    }
    // who may receive what does not change within one batch (a changed webhook resets `all` and this with it)
    let refusals = new Map<string, Promise<string | undefined>>();
    // the objects the batch delivers, read together (after a webhook changed mid-batch, the others one by one)
    const read = await readObjects(
      tx,
      events.filter((e) => e.kind === 'object' && e.action !== 'delete' && receivers(all, e).length > 0),
    );
    const executions: NewExecution[] = [];
    const handed: Attempt[] = [];
    let room = delivery.room();
    const leaseUntilMs = delivery.leaseUntil(clock.now());
    for (const e of events) {
      const targets = receivers(all, e);
      const body = targets.length > 0 ? await payloadOf(tx, e, read) : undefined;
      // a change to a webhook itself changes who receives what from the next event on
      const changesReceivers = e.contentType === '_webhooks';
      if (!body) {
        if (changesReceivers) [all, refusals] = [await webhooks.all(tx), new Map()];
        continue;
      }
      for (const w of targets) {
        // a draft (a create or edit of a D&P object) is carried only for a saver that may preview it
        const draft = e.kind === 'object' && (e.action === 'create' || e.action === 'update') && body.draft;
        const memo = `${w.id}\0${e.contentType}\0${draft}`;
        if (!refusals.has(memo)) refusals.set(memo, webhooks.refusal(w, e.contentType, tx, draft));
        const why = await refusals.get(memo);
        const now = clock.now();
        // an event held before and not finished (its node died, or stalled past the lease) may have had its first
        // attempts made and written: queued, so that the unique (webhook, event) keeps what was written
        const claim = !why && room > 0 && !e.heldBefore;
        if (claim) room--;
        const head = JSON.stringify({
          webhookId: w.id,
          action: ACTION[e.action],
          contentTypeName: e.contentType,
          ref: body.ref,
        });
        const payload = `${head.slice(0, -1)},"payload":${body.payload}}`;
        // one literal, handed over or inserted as it is (a spread that adds a field costs microseconds a row: decision
        // 0012, session 8); an insert leaves out `id`
        const x: Attempt = {
          id: null,
          webhookId: w.id,
          eventSeq: e.seq,
          status: why ? 'error' : 'pending',
          // handed over: this is its first attempt. Queued: none yet, unless an earlier claim held the event and left
          // this unwritten, which it had handed over: its first attempt may have been made (counted, as a claim is; a
          // row already written is kept as it is)
          attempts: claim || (e.heldBefore && !why) ? 1 : 0,
          httpStatus: null,
          durationMs: null,
          error: why ?? null,
          action: ACTION[e.action]!,
          contentType: e.contentType,
          objectId: e.objectId,
          payload,
          nextAttemptMs: now,
          createdMs: now,
          updatedMs: now,
        };
        if (claim) {
          hold(e.seq, leaseUntilMs);
          handed.push(x);
        } else executions.push(x);
      }
      if (changesReceivers) [all, refusals] = [await webhooks.all(tx), new Map()];
    }
    // one insert for the batch; an event already queued for a webhook (a batch run again) is not queued twice
    await tx.webhooks.addExecutions(executions);
    const more = executions.some((x) => x.status === 'pending');
    if (handed.length > 0 || more) afterCommit(() => delivery.queued(handed, more));
  };
}
