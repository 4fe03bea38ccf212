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

export type NewExecution = Pick<
  StoredExecution,
  | 'webhookId'
  | 'eventSeq'
  | 'status'
  | 'error'
  | 'action'
  | 'contentType'
  | 'objectId'
  | 'payload'
  | 'nextAttemptMs'
  | 'createdMs'
> & {
  /**
   * Set: the execution is inserted already claimed for its first attempt (attempts 1, leased to the caller until
   * then), as `claimDue` would claim it — the fan-out's executions go to this node's sending without a claim.
   */
  leaseUntilMs?: number;
};

/** The part of the storage port that webhooks use: signing secrets and the execution log / delivery queue. */
export interface WebhookStore {
  /** The encrypted signing secret of a webhook. */
  getSecret(webhookId: string): Promise<string | undefined>;
  /** Stores `secretEnc` when the webhook has none (or `replace`); answers the secret now stored (a race keeps one). */
  putSecret(webhookId: string, secretEnc: string, nowMs: number, replace: boolean): Promise<string>;
  /** Adds an execution; an event already queued for the webhook is not queued again (answers undefined). */
  addExecution(e: NewExecution): Promise<number | undefined>;
  /**
   * addExecution for many at once, in one statement per 200 (the fan-out of an event batch). Answers the executions
   * it inserted with a lease (`leaseUntilMs`): claimed by the caller, as `claimDue` answers them.
   */
  addExecutions(list: NewExecution[]): Promise<StoredExecution[]>;
  /**
   * Claims due pending executions for one attempt: each is leased to the caller until `leaseUntilMs` and its attempt
   * count raised, so another node (or this one after a restart) takes it only when the lease has run out.
   */
  claimDue(nowMs: number, leaseUntilMs: number, limit: number): Promise<StoredExecution[]>;
  /** Records the outcome of the attempt `attempt` (ignored when a later attempt has claimed the execution). */
  finishAttempt(
    id: number,
    attempt: number,
    outcome: Pick<StoredExecution, 'status' | 'httpStatus' | 'durationMs' | 'error' | 'nextAttemptMs'>,
    nowMs: number,
  ): Promise<void>;
  /** finishAttempt for many executions in one statement (a delivery round's outcomes). */
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
