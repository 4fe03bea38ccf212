import { useState } from 'react';
import { errorMessage } from '../api/errors.js';
import { webhooksApi, type Execution, type WebhookObject } from '../api/webhooks.js';
import { useNotices } from '../app/notices.js';
import { Link } from '../app/router.js';
import { Modal } from '../ui/Modal.js';
import { ExecutionStatus, executionDetail, executionSummary } from '../webhooks/ExecutionStatus.js';
import { waitForExecution } from '../webhooks/wait-for-execution.js';

interface Props {
  hooks: WebhookObject[];
  type: string;
  objectId: string;
  onClose(): void;
}

type Outcome = { running: true } | { running: false; execution?: Execution; error?: string };

/** Lists the webhooks that can run on this object; running one waits for its delivery and says how it went. */
export function RunWebhookDialog({ hooks, type, objectId, onClose }: Props) {
  const { notify } = useNotices();
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  const put = (id: string, o: Outcome) => setOutcomes((all) => ({ ...all, [id]: o }));

  const run = async (w: WebhookObject) => {
    put(w.id, { running: true });
    try {
      const done = await waitForExecution(w.id, await webhooksApi.run(w.id, type, objectId));
      put(w.id, { running: false, execution: done });
      notify(done.status === 'error' ? 'error' : 'success', `Webhook “${w.name}”: ${executionSummary(done)}`);
    } catch (e) {
      put(w.id, { running: false, error: errorMessage(e) });
      notify('error', `Webhook “${w.name}” was not run: ${errorMessage(e)}`);
    }
  };

  return (
    <Modal title="Run a webhook on this object" onClose={onClose}>
      <ul className="run-hooks">
        {hooks.map((w) => {
          const o = outcomes[w.id];
          return (
            <li key={w.id} className="run-hook" aria-label={w.name}>
              <div className="run-hook-head">
                <Link to={`/webhooks/${encodeURIComponent(w.id)}`}>{w.name}</Link>
                {w.enabled !== true && <span className="badge">Disabled</span>}
                <div className="grow" />
                <button type="button" className="btn btn-small btn-primary" disabled={o?.running} onClick={() => void run(w)}>
                  {o?.running ? 'Running…' : 'Run'}
                </button>
              </div>
              <code className="run-hook-url">{w.url}</code>
              {o && !o.running && (
                <p className="run-hook-result" role="status">
                  {o.execution ? (
                    <>
                      <ExecutionStatus status={o.execution.status} /> {executionDetail(o.execution)}
                    </>
                  ) : (
                    <span className="field-errors">{o.error}</span>
                  )}
                </p>
              )}
            </li>
          );
        })}
      </ul>
    </Modal>
  );
}
