import { useState, type FormEvent } from 'react';
import { contentTypesApi } from '../api/content-types.js';
import { errorMessage, fieldErrorsOf } from '../api/errors.js';
import type { ContentType, FieldErrors } from '../api/types.js';
import { webhooksApi, type WebhookObject } from '../api/webhooks.js';
import { useNotices } from '../app/notices.js';
import { Link, useRouter } from '../app/router.js';
import { usePageTitle } from '../app/page-title.js';
import { useLoad } from '../app/use-load.js';
import { ConfirmDialog } from '../ui/ConfirmDialog.js';
import { Icon } from '../ui/Icon.js';
import { ErrorState, Loading } from '../ui/States.js';
import { ExecutionLog } from './ExecutionLog.js';
import { bodyOf, draftOf, draftProblems, EMPTY_DRAFT, isDirty, otherErrors, type WebhookDraft } from './webhook-draft.js';
import { WebhookForm } from './WebhookForm.js';
import { WebhookSecret } from './WebhookSecret.js';

const load = async (id: string | undefined) => {
  const [types, hook] = await Promise.all([contentTypesApi.list(), id ? webhooksApi.get(id) : Promise.resolve(undefined)]);
  return { types: types.data, hook };
};

/** Creates a webhook (no `id`) or edits one, with its signing secret and execution log once it exists. */
export function WebhookEditorPage({ id }: { id?: string }) {
  const loaded = useLoad(() => load(id), id ?? '');
  if (loaded.error) return <ErrorState error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data) return <Loading label="Loading…" />;
  return <Editor types={loaded.data.types} hook={loaded.data.hook} />;
}

function Editor({ types, hook }: { types: ContentType[]; hook: WebhookObject | undefined }) {
  const { navigate } = useRouter();
  const { notify } = useNotices();
  const [saved, setSaved] = useState(hook);
  const [draft, setDraft] = useState<WebhookDraft>(() => (hook ? draftOf(hook) : EMPTY_DRAFT));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const title = saved?.name || 'New webhook';
  usePageTitle(title);
  const dirty = isDirty(draft, saved);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const problems = draftProblems(draft);
    setErrors(problems);
    if (Object.keys(problems).length) return notify('error', 'The webhook was not saved: please correct the highlighted fields.');
    setBusy(true);
    try {
      const result = saved
        ? await webhooksApi.replace(saved.id, { ...bodyOf(draft, saved), id: saved.id })
        : await webhooksApi.create(bodyOf(draft));
      setSaved(result);
      setDraft(draftOf(result));
      notify('success', saved ? `The webhook “${result.name}” was saved.` : `The webhook “${result.name}” was created.`);
      if (!saved) navigate(`/webhooks/${encodeURIComponent(result.id)}`, { replace: true });
    } catch (err) {
      setErrors(fieldErrorsOf(err) ?? {});
      notify('error', `The webhook was not saved: ${errorMessage(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    try {
      await webhooksApi.remove(saved!.id);
      notify('success', `The webhook “${saved!.name}” was deleted.`);
      navigate('/webhooks');
    } catch (err) {
      notify('error', `The webhook was not deleted: ${errorMessage(err)}`);
      throw err;
    }
  };

  const general = otherErrors(errors);
  return (
    <div className="page">
      <form onSubmit={(e) => void save(e)} noValidate aria-label="Webhook">
        <header className="page-head">
          <div>
            <p className="crumbs">
              <Link to="/webhooks">Webhooks</Link> /
            </p>
            <h1>{title}</h1>
            {saved && (
              <p className="muted">
                <code>{saved.id}</code>
              </p>
            )}
          </div>
          <div className="page-actions">
            {dirty && <span className="badge badge-warn">{saved ? 'Unsaved changes' : 'Not saved yet'}</span>}
            {saved && (
              <button type="button" className="btn btn-danger-text" onClick={() => setConfirmDelete(true)}>
                <Icon name="trash" size={16} /> Delete
              </button>
            )}
            <button type="submit" className="btn btn-primary" disabled={busy || !dirty}>
              <Icon name="save" size={16} /> {busy ? 'Saving…' : 'Save'}
            </button>
          </div>
        </header>
        {general.length > 0 && (
          <div className="form-error" role="alert">
            <ul>
              {general.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          </div>
        )}
        <div className="card form-card">
          <WebhookForm draft={draft} types={types} errors={errors} onChange={setDraft} />
        </div>
      </form>
      {saved && (
        <>
          <WebhookSecret webhookId={saved.id} />
          <ExecutionLog webhookId={saved.id} />
        </>
      )}
      {confirmDelete && saved && (
        <ConfirmDialog
          title="Delete this webhook?"
          confirmLabel="Delete"
          danger
          onConfirm={remove}
          onClose={() => setConfirmDelete(false)}
        >
          <p>“{saved.name}” will stop receiving events. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
