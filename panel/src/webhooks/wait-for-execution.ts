import { webhooksApi, type Execution } from '../api/webhooks.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls a webhook's log until the execution is no longer pending (or the time is up: then its latest state). */
export async function waitForExecution(webhookId: string, first: Execution, timeoutMs = 20_000): Promise<Execution> {
  const deadline = Date.now() + timeoutMs;
  let latest = first;
  while (latest.status === 'pending' && Date.now() < deadline) {
    await sleep(700);
    latest = (await webhooksApi.executions(webhookId)).find((e) => e.id === first.id) ?? latest;
  }
  return latest;
}
