import { sql, type Kysely, type Selectable } from 'kysely';
import type { NewExecution, StoredExecution, WebhookStore } from '../webhook-port.js';
import type { DialectOps } from './dialect-ops.js';
import type { Database } from './schema.js';
import { column, RowInsert, RowStatement } from './row-insert.js';

type Row = Selectable<Database['webhook_executions']>;

const toExecution = (r: Row): StoredExecution => ({
  id: Number(r.id),
  webhookId: r.webhook_id,
  eventSeq: r.event_seq === null ? null : Number(r.event_seq),
  status: r.status as StoredExecution['status'],
  attempts: Number(r.attempts),
  httpStatus: r.http_status === null ? null : Number(r.http_status),
  durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
  error: r.error,
  action: r.action,
  contentType: r.content_type,
  objectId: r.object_id,
  payload: r.payload,
  nextAttemptMs: Number(r.next_attempt_ms),
  createdMs: Number(r.created_ms),
  updatedMs: Number(r.updated_ms),
});

/** Webhook secrets and executions over Kysely (both dialects; the claim adds SKIP LOCKED where there is one). */
export class SqlWebhookStore implements WebhookStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ops: DialectOps,
  ) {}

  async getSecret(webhookId: string): Promise<string | undefined> {
    const r = await this.db
      .selectFrom('webhook_secrets')
      .select('secret_enc')
      .where('webhook_id', '=', webhookId)
      .executeTakeFirst();
    return r?.secret_enc;
  }

  async putSecret(webhookId: string, secretEnc: string, nowMs: number, replace: boolean): Promise<string> {
    await this.db
      .insertInto('webhook_secrets')
      .values({ webhook_id: webhookId, secret_enc: secretEnc, created_ms: nowMs })
      .onConflict((oc) =>
        replace
          ? oc.column('webhook_id').doUpdateSet({ secret_enc: secretEnc, created_ms: nowMs })
          : oc.column('webhook_id').doNothing(),
      )
      .execute();
    return (await this.getSecret(webhookId))!;
  }

  async addExecution(e: NewExecution): Promise<number | undefined> {
    const [r] = await insertExecutions.run<{ id: number | string }>(this.db, this.ops, [executionValues(e)]);
    return r ? Number(r.id) : undefined;
  }

  async addExecutions(list: NewExecution[]): Promise<number> {
    if (list.length === 0) return 0;
    // RowInsert slices the rows below the engines' parameter limits
    return (await insertExecutions.run(this.db, this.ops, list.map(executionValues))).length;
  }

  async claimDue(nowMs: number, leaseUntilMs: number, limit: number): Promise<StoredExecution[]> {
    const r = await sql<Row>`UPDATE webhook_executions
      SET attempts = attempts + 1, lease_until_ms = ${leaseUntilMs}, updated_ms = ${nowMs}
      WHERE id IN (
        SELECT id FROM webhook_executions
        WHERE status = 'pending' AND next_attempt_ms <= ${nowMs} AND (lease_until_ms IS NULL OR lease_until_ms < ${nowMs})
        ORDER BY next_attempt_ms, id LIMIT ${limit}${sql.raw(this.ops.skipLocked)})
      RETURNING *`.execute(this.db);
    return r.rows.map(toExecution).sort((a, b) => a.id - b.id);
  }

  async finishAttempts(outcomes: Parameters<WebhookStore['finishAttempts']>[0], nowMs: number): Promise<void> {
    if (outcomes.length === 0) return;
    await finishExecutions.run(
      this.db,
      this.ops,
      outcomes.map((o) => [o.id, o.attempt, o.status, o.httpStatus, o.durationMs, o.error, o.nextAttemptMs, nowMs]),
    );
  }

  async getExecution(id: number): Promise<StoredExecution | undefined> {
    const r = await this.db.selectFrom('webhook_executions').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toExecution(r) : undefined;
  }

  async listExecutions(webhookId: string, limit: number): Promise<StoredExecution[]> {
    const rows = await this.db
      .selectFrom('webhook_executions')
      .selectAll()
      .where('webhook_id', '=', webhookId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toExecution);
  }

  async pruneExecutions(webhookId: string, keep: number): Promise<void> {
    const edge = await this.db
      .selectFrom('webhook_executions')
      .select('id')
      .where('webhook_id', '=', webhookId)
      .orderBy('id', 'desc')
      .offset(keep)
      .limit(1)
      .executeTakeFirst();
    if (!edge) return;
    await this.db
      .deleteFrom('webhook_executions')
      .where('webhook_id', '=', webhookId)
      .where('id', '<=', Number(edge.id))
      .where('status', '!=', 'pending')
      .execute();
  }

  async nextDueMs(): Promise<number | undefined> {
    const r = await this.db
      .selectFrom('webhook_executions')
      .select((eb) => eb.fn.min('next_attempt_ms').as('due'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return r?.due === null || r?.due === undefined ? undefined : Number(r.due);
  }

  async countPending(): Promise<number> {
    const r = await this.db
      .selectFrom('webhook_executions')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}

/** The columns an insert writes (the lease starts null); a batch's executions are one fixed multi-row statement. */
const executionColumns = [
  column('webhook_id'),
  column('event_seq', 'bigint'),
  column('status'),
  column('attempts', 'integer'),
  column('http_status', 'integer'),
  column('duration_ms', 'integer'),
  column('error'),
  column('action'),
  column('content_type'),
  column('object_id'),
  column('payload'),
  column('next_attempt_ms', 'bigint'),
  column('created_ms', 'bigint'),
  column('updated_ms', 'bigint'),
];
const insertExecutions = new RowInsert(
  'webhook_executions',
  executionColumns,
  'ON CONFLICT (webhook_id, event_seq) WHERE event_seq IS NOT NULL DO NOTHING RETURNING id, webhook_id, event_seq',
);

/** A new execution's values in executionColumns' order. */
function executionValues(e: NewExecution): unknown[] {
  return [
    e.webhookId,
    e.eventSeq,
    e.status,
    e.attempts,
    e.httpStatus,
    e.durationMs,
    e.error,
    e.action,
    e.contentType,
    e.objectId,
    e.payload,
    e.nextAttemptMs,
    e.createdMs,
    e.updatedMs,
  ];
}

/** A round's outcomes: one UPDATE … FROM its rows, each applied only where that attempt still holds the execution. */
const outcomeColumns = [
  column('id', 'bigint'),
  column('attempt', 'integer'),
  column('status'),
  column('http_status', 'integer'),
  column('duration_ms', 'integer'),
  column('error'),
  column('next_attempt_ms', 'bigint'),
  column('updated_ms', 'bigint'),
];
const finishExecutions = new RowStatement(
  outcomeColumns,
  (ops, n) => `UPDATE webhook_executions SET status = o.status, http_status = o.http_status, duration_ms = o.duration_ms,
      error = o.error, next_attempt_ms = o.next_attempt_ms, lease_until_ms = NULL, updated_ms = o.updated_ms
    FROM ${ops.rowsSource(outcomeColumns, n, 'o')}
    WHERE webhook_executions.id = o.id AND webhook_executions.attempts = o.attempt`,
);
