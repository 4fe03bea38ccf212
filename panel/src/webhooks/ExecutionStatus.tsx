import type { Execution } from '../api/webhooks.js';

const LOOK: Record<Execution['status'], { label: string; className: string }> = {
  done: { label: 'Done', className: 'badge badge-ok' },
  error: { label: 'Error', className: 'badge badge-danger' },
  pending: { label: 'Pending', className: 'badge badge-warn' },
};

const lookOf = (status: Execution['status']) => LOOK[status] ?? { label: status, className: 'badge' };

/** The status of one execution as a coloured word. */
export function ExecutionStatus({ status }: { status: Execution['status'] }) {
  const look = lookOf(status);
  return <span className={look.className}>{look.label}</span>;
}

/** How an execution went, after its status word: "HTTP 200 in 12 ms". */
export function executionDetail(e: Execution): string {
  const http = e.httpStatus === null ? '' : `HTTP ${e.httpStatus}`;
  if (e.status === 'done') return `${http}${e.durationMs === null ? '' : ` in ${e.durationMs} ms`}`;
  if (e.status === 'pending') return e.attempts > 0 ? `retrying after ${e.attempts} attempt(s)` : 'not sent yet';
  return [http, e.error].filter(Boolean).join(': ') || 'the delivery failed';
}

/** One line for a notice: "Done: HTTP 200 in 12 ms". */
export const executionSummary = (e: Execution) => `${lookOf(e.status).label}: ${executionDetail(e)}`;
