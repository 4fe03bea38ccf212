import { useState } from 'react';
import { contentApi, type Schedule } from '../api/content.js';
import { errorMessage, fieldErrorsOf } from '../api/errors.js';
import type { FieldErrors } from '../api/types.js';
import { useNotices } from '../app/notices.js';
import { useLoad } from '../app/use-load.js';
import { Field } from '../ui/Field.js';
import { formatDate } from '../ui/format.js';
import { ErrorState, Loading } from '../ui/States.js';

const ACTION_LABEL: Record<Schedule['action'], string> = { publish: 'Publish', unpublish: 'Unpublish' };

/** A `datetime-local` value for a moment, in the browser's time zone. */
const localInput = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

interface Props {
  type: string;
  objectId: string;
  /** Changes whenever the object changes (an edit cancels the plan on the server): the plan is read again. */
  version: string;
}

/** A publish or unpublish planned for later: the current plan and its cancellation, or a form to make one. */
export function SchedulePlan({ type, objectId, version }: Props) {
  const { notify } = useNotices();
  const plan = useLoad(() => contentApi.schedule(type, objectId), `${type}/${objectId}/${version}`);
  const [action, setAction] = useState<Schedule['action']>('publish');
  const [at, setAt] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  const run = async (change: () => Promise<Schedule | null>, done: string) => {
    setBusy(true);
    try {
      plan.set(await change());
      setErrors({});
      notify('success', done);
    } catch (e) {
      setErrors(fieldErrorsOf(e) ?? {});
      notify('error', `The plan was not changed: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  };
  const schedule = () => {
    const when = at ? new Date(at) : undefined;
    if (!when || Number.isNaN(when.getTime())) return setErrors({ at: ['Choose a date and time'] });
    void run(() => contentApi.setSchedule(type, objectId, action, when.toISOString()), 'The plan was saved.');
  };
  const cancel = () => void run(() => contentApi.cancelSchedule(type, objectId).then(() => null), 'The plan was cancelled.');

  if (plan.error) return <ErrorState error={plan.error} onRetry={plan.reload} />;
  if (plan.data === undefined) return <Loading label="Loading the plan…" />;
  const current = plan.data;
  return (
    <div className="schedule" role="group" aria-label="Schedule">
      <h3 className="schedule-title">Schedule</h3>
      {current ? (
        <div className="schedule-current">
          <p role="status">
            {ACTION_LABEL[current.action]} planned for <time dateTime={current.at}>{formatDate(current.at)}</time>. Saving a
            change to the object cancels it.
          </p>
          <button type="button" className="btn btn-small" disabled={busy} onClick={cancel}>
            Cancel plan
          </button>
        </div>
      ) : (
        <div className="schedule-form">
          <Field label="Action" errors={errors.action}>
            {({ id, describedBy, invalid }) => (
              <select
                id={id}
                value={action}
                onChange={(e) => setAction(e.target.value as Schedule['action'])}
                aria-describedby={describedBy}
                aria-invalid={invalid}
              >
                <option value="publish">Publish</option>
                <option value="unpublish">Unpublish</option>
              </select>
            )}
          </Field>
          <Field label="Date and time" help="At least a minute from now." errors={errors.at}>
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                type="datetime-local"
                value={at}
                min={localInput(Date.now() + 60_000)}
                onChange={(e) => {
                  setAt(e.target.value);
                  setErrors({});
                }}
                // Enter here plans the change rather than submitting (saving) the object form around it
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    schedule();
                  }
                }}
                aria-describedby={describedBy}
                aria-invalid={invalid}
              />
            )}
          </Field>
          <button type="button" className="btn" disabled={busy} onClick={schedule}>
            Schedule
          </button>
        </div>
      )}
    </div>
  );
}
