import { useEffect, useState } from 'react';
import { errorMessage } from '../api/errors.js';
import { webhooksApi, type Execution } from '../api/webhooks.js';
import { useNotices } from '../app/notices.js';
import { Link } from '../app/router.js';
import { useLoad } from '../app/use-load.js';
import { formatDate } from '../ui/format.js';
import { Icon } from '../ui/Icon.js';
import { ErrorState } from '../ui/States.js';
import { ExecutionStatus } from './ExecutionStatus.js';

/** While a delivery is pending the log refreshes itself this often. */
const PENDING_REFRESH_MS = 1500;

/** The latest executions of a webhook, newest first, with a refresh and "Send test event". */
export function ExecutionLog({ webhookId }: { webhookId: string }) {
  const { notify } = useNotices();
  const log = useLoad(() => webhooksApi.executions(webhookId), webhookId);
  const [sending, setSending] = useState(false);
  const { data, reload } = log;
  const pending = data?.some((e) => e.status === 'pending') ?? false;

  useEffect(() => {
    if (!pending) return;
    const timer = window.setTimeout(reload, PENDING_REFRESH_MS);
    return () => window.clearTimeout(timer);
  }, [pending, data, reload]);

  const sendTest = async () => {
    setSending(true);
    try {
      await webhooksApi.sendTest(webhookId);
      notify('success', 'A test event was queued.');
      reload();
    } catch (e) {
      notify('error', `The test event was not sent: ${errorMessage(e)}`);
    } finally {
      setSending(false);
    }
  };

  return (
    <section className="section" aria-labelledby="webhook-log-title">
      <div className="section-head">
        <h2 id="webhook-log-title">Execution log</h2>
        <div className="page-actions">
          <button type="button" className="btn btn-small" onClick={reload} disabled={log.loading}>
            <Icon name="refresh" size={16} /> Refresh
          </button>
          <button type="button" className="btn btn-small" onClick={() => void sendTest()} disabled={sending}>
            <Icon name="send" size={16} /> {sending ? 'Sending…' : 'Send test event'}
          </button>
        </div>
      </div>
      <p className="muted">The last 300 deliveries; failed ones are retried with growing pauses.</p>
      {log.error ? (
        <ErrorState error={log.error} onRetry={reload} />
      ) : !data ? (
        <p className="muted">Loading…</p>
      ) : data.length === 0 ? (
        <p className="muted">Nothing sent yet.</p>
      ) : (
        <ExecutionTable executions={data} />
      )}
    </section>
  );
}

function ExecutionTable({ executions }: { executions: Execution[] }) {
  return (
    <div className="table-wrap">
      <table className="table execution-table" aria-label="Executions">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Status</th>
            <th scope="col">Action</th>
            <th scope="col">Type / object</th>
            <th scope="col">Attempts</th>
            <th scope="col">HTTP</th>
            <th scope="col">Duration</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {executions.map((e) => (
            <tr key={e.id}>
              <td>
                <time dateTime={e.createdAt}>{formatDate(e.createdAt)}</time>
              </td>
              <td>
                <ExecutionStatus status={e.status} />
              </td>
              <td>{e.action}</td>
              <td className="cell-subject">
                <Subject e={e} />
              </td>
              <td>{e.attempts}</td>
              <td>{e.httpStatus ?? '—'}</td>
              <td>{e.durationMs === null ? '—' : `${e.durationMs} ms`}</td>
              <td className="cell-error">{e.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Subject({ e }: { e: Execution }) {
  if (!e.contentTypeName) return <>—</>;
  if (!e.objectId || e.action === 'Delete') return <code>{[e.contentTypeName, e.objectId].filter(Boolean).join(' / ')}</code>;
  return (
    <Link to={`/content/${encodeURIComponent(e.contentTypeName)}/object/${encodeURIComponent(e.objectId)}`}>
      <code>
        {e.contentTypeName} / {e.objectId}
      </code>
    </Link>
  );
}
