/** One webhook execution: a log entry, and while `pending`, an item of the delivery queue. */
export interface StoredExecution {
  id: number;
  webhookId: string;
  /** The event it delivers (null for test and Custom runs). One execution per (webhook, event). */
  eventSeq: number | null;
  status: 'pending' | 'done' | 'error';
  attempts: number;
  httpStatus: number | null;
  durationMs: number | null;
  error: string | null;
  action: string;
  contentType: string | null;
  objectId: string | null;
  /** The exact body sent (signed as is). */
  payload: string;
  nextAttemptMs: number;
  createdMs: number;
  updatedMs: number;
}

/**
 * An execution to insert, in any state: queued (pending, no attempt yet), or already attempted (a first attempt
 * made before its row was written, a sync hook's call), with its outcome.
 */
export type NewExecution = Omit<StoredExecution, 'id'>;

/** The part of the storage port that webhooks use: signing secrets and the execution log / delivery queue. */
export interface WebhookStore {
  /** The encrypted signing secret of a webhook. */
  getSecret(webhookId: string): Promise<string | undefined>;
  /** Stores `secretEnc` when the webhook has none (or `replace`); answers the secret now stored (a race keeps one). */
  putSecret(webhookId: string, secretEnc: string, nowMs: number, replace: boolean): Promise<string>;
  /** Adds an execution; an event already queued for the webhook is not queued again (answers undefined). */
  addExecution(e: NewExecution): Promise<number | undefined>;
  /**
   * addExecution for many at once, in one statement per 200 (the fan-out of an event batch, a delivery round's first
   * attempts); an execution whose (webhook, event) is already stored is left out. Answers how many it inserted.
   */
  addExecutions(list: NewExecution[]): Promise<number>;
  /**
   * Claims due pending executions for one attempt: each is leased to the caller until `leaseUntilMs` and its attempt
   * count raised, so another node (or this one after a restart) takes it only when the lease has run out.
   */
  claimDue(nowMs: number, leaseUntilMs: number, limit: number): Promise<StoredExecution[]>;
  /**
   * Records the outcomes of claimed attempts in one statement (a delivery round's), each ignored when a later attempt
   * has claimed its execution since (its `attempt` is not the execution's attempt count).
   */
  finishAttempts(
    outcomes: (Pick<StoredExecution, 'id' | 'status' | 'httpStatus' | 'durationMs' | 'error' | 'nextAttemptMs'> & {
      attempt: number;
    })[],
    nowMs: number,
  ): Promise<void>;
  getExecution(id: number): Promise<StoredExecution | undefined>;
  /** Newest first. */
  listExecutions(webhookId: string, limit: number): Promise<StoredExecution[]>;
  /** Keeps the newest `keep` finished executions of the webhook. */
  pruneExecutions(webhookId: string, keep: number): Promise<void>;
  /** The soonest time a pending execution becomes due (for the delivery loop's sleep). */
  nextDueMs(): Promise<number | undefined>;
  /** Executions still pending (due or waiting for a retry): the depth of the delivery queue. */
  countPending(): Promise<number>;
}
