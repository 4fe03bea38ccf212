import { useEffect, useRef, useState, type FormEvent } from 'react';
import { contentApi } from '../api/content.js';
import { contentTypesApi } from '../api/content-types.js';
import { errorMessage, fieldErrorsOf } from '../api/errors.js';
import type { ContentObject, ContentType, FieldErrors } from '../api/types.js';
import { useNotices } from '../app/notices.js';
import { guardHistory, Link, useRouter } from '../app/router.js';
import { usePageTitle } from '../app/page-title.js';
import { useLoad } from '../app/use-load.js';
import { useSession } from '../app/session.js';
import { can, may } from '../users/can.js';
import { ConfirmDialog } from '../ui/ConfirmDialog.js';
import { formatDate } from '../ui/format.js';
import { Icon } from '../ui/Icon.js';
import { ErrorState, Loading } from '../ui/States.js';
import { ObjectFields } from './ObjectFields.js';
import { PublicationPanel } from './PublicationPanel.js';
import { PublicVersion } from './PublicVersion.js';
import { RunWebhook } from './RunWebhook.js';
import { VersionHistory } from './VersionHistory.js';
import '../styles/content-form.css';

const load = async (type: string, id: string | undefined) => {
  const [types, object] = await Promise.all([
    contentTypesApi.list(),
    id ? contentApi.get(type, id, { preview: true }) : Promise.resolve(undefined),
  ]);
  const ct = types.data.find((t) => t.name === type) ?? (await contentTypesApi.get(type));
  return { types: types.data, ct, object };
};

/**
 * Creates an object of a type (no `id`) or edits one, with a form built from the type's definition. The form always
 * holds the latest state (`X-MODE: preview`): for a Draft & Public type that is the draft, not the public version.
 */
export function ContentEditorPage({ type, id }: { type: string; id?: string }) {
  const loaded = useLoad(() => load(type, id), `${type}/${id ?? ''}`);
  if (loaded.error) return <ErrorState error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data) return <Loading label="Loading…" />;
  return <Editor ct={loaded.data.ct} types={loaded.data.types} object={loaded.data.object} />;
}

/** The stored fields of an object (without id and the server-managed block). */
function fieldsOf(o: ContentObject | undefined): Record<string, unknown> {
  if (!o) return {};
  const { id: _id, internal: _internal, ...rest } = o;
  return rest;
}

function Editor({ ct, types, object }: { ct: ContentType; types: ContentType[]; object: ContentObject | undefined }) {
  const creating = !object;
  const session = useSession();
  const { navigate } = useRouter();
  const { notify } = useNotices();
  const [saved, setSaved] = useState(object);
  const [values, setValues] = useState<Record<string, unknown>>(() => fieldsOf(object));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const title = saved?.internal?.objectTitle || saved?.id || `New ${ct.label} object`;
  usePageTitle(title);
  const dirty = JSON.stringify(values) !== JSON.stringify(fieldsOf(saved));
  const listPath = `/content/${encodeURIComponent(ct.name)}`;
  const schema = ct.schemaDefinition.allOf[1];

  const formRef = useRef<HTMLFormElement>(null);
  const save = async (e?: FormEvent) => {
    e?.preventDefault();
    if (busy) return;
    setBusy(true);
    try {
      const result = saved
        ? await contentApi.replace(ct.name, saved.id, { ...values, id: saved.id })
        : await contentApi.create(ct.name, values);
      setErrors({});
      setSaved(result);
      setValues(fieldsOf(result));
      notify('success', saved ? 'The object was saved.' : 'The object was created.');
      if (!saved) navigate(`${listPath}/object/${encodeURIComponent(result.id)}`, { replace: true });
    } catch (err) {
      setErrors(fieldErrorsOf(err) ?? {});
      notify('error', `The object was not saved: ${errorMessage(err)}`);
      // the first field the server refused takes the focus (once the messages are shown)
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
    } finally {
      setBusy(false);
    }
  };

  // after a publication change: the stored state is what the form holds (publishing waits for unsaved edits)
  const reread = async () => {
    const fresh = await contentApi.get(ct.name, saved!.id, { preview: true });
    setSaved(fresh);
    setValues(fieldsOf(fresh));
  };

  const remove = async () => {
    try {
      await contentApi.remove(ct.name, saved!.id);
      notify('success', 'The object was deleted.');
      navigate(listPath);
    } catch (err) {
      notify('error', `The object was not deleted: ${errorMessage(err)}`);
      throw err;
    }
  };

  // one field at a time, onto the latest state; a field's messages go away as soon as it is changed, the others stay
  // until the next save
  const editField = (name: string, v: unknown) => {
    setValues((prev) => {
      const next = { ...prev };
      if (v === undefined) delete next[name];
      else next[name] = v;
      return next;
    });
    setErrors((all) => Object.fromEntries(Object.entries(all).filter(([k]) => k.split(/[.[]/)[0] !== name)));
  };

  useUnsavedChangesGuard(dirty && !busy);
  // Ctrl+S / Cmd+S saves the form (instead of the browser saving the page)
  const saveRef = useRef(save);
  saveRef.current = save;
  const canSave = !busy && (dirty || creating);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.key.toLowerCase() !== 's') return;
      e.preventDefault();
      if (canSave) void saveRef.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [canSave]);

  const known = new Set(ct.metaDefinition.order);
  const otherErrors = Object.entries(errors).filter(([k]) => !known.has(k.split(/[.[]/)[0]));

  return (
    <form ref={formRef} className="page" onSubmit={(e) => void save(e)} noValidate>
      <header className="page-head">
        <div>
          <p className="crumbs">
            <Link to="/content">Content</Link> / <Link to={listPath}>{ct.label}</Link> /
          </p>
          <h1>{title}</h1>
          {saved?.internal && (
            <p className="muted">
              <code>{saved.id}</code> · updated {formatDate(saved.internal.updatedAt)}
            </p>
          )}
        </div>
        <div className="page-actions">
          {dirty && !creating && <span className="badge badge-warn">Unsaved changes</span>}
          {saved && can(session, 'webhooks') && <RunWebhook type={ct.name} objectId={saved.id} />}
          {saved && may(session, 'canDelete', ct.name) && (
            <button type="button" className="btn btn-danger-text" onClick={() => setConfirmDelete(true)}>
              <Icon name="trash" size={16} /> Delete
            </button>
          )}
          <button type="submit" className="btn btn-primary" disabled={busy || (!dirty && !creating)}>
            <Icon name="save" size={16} /> {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </header>
      {saved && ct.draftPublic && <PublicationPanel type={ct.name} object={saved} dirty={dirty} onChanged={reread} />}
      {saved && ct.draftPublic && saved.internal?.status === 'modified' && <PublicVersion ct={ct} draft={saved} />}
      {otherErrors.length > 0 && (
        <div className="form-error" role="alert">
          <ul>{otherErrors.flatMap(([k, msgs]) => msgs.map((m) => <li key={`${k}${m}`}>{k === 'id' ? `ID: ${m}` : m}</li>))}</ul>
        </div>
      )}
      <div className="card form-card">
        <ObjectFields
          meta={ct.metaDefinition}
          properties={schema.properties}
          required={ct.schemaDefinition.required}
          value={values}
          onChange={setValues}
          onField={editField}
          path=""
          errors={errors}
          types={types}
        />
      </div>
      {saved && <VersionHistory ct={ct} object={saved} dirty={dirty} onRestored={reread} />}
      <div className="form-foot">
        <Link className="btn" to={listPath}>
          Back to the list
        </Link>
        <button type="submit" className="btn btn-primary" disabled={busy || (!dirty && !creating)}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
      {confirmDelete && saved && (
        <ConfirmDialog
          title="Delete this object?"
          confirmLabel="Delete"
          danger
          onConfirm={remove}
          onClose={() => setConfirmDelete(false)}
        >
          <p>“{title}” will be deleted.</p>
        </ConfirmDialog>
      )}
    </form>
  );
}

const LEAVE = 'Leave this page? Your unsaved changes will be lost.';

/**
 * While the form holds unsaved changes: closing or reloading the tab asks the browser's question, following an
 * in-app link asks first (the click is stopped before the router sees it when the answer is no), and so do the
 * browser's Back and Forward buttons (the page and its address stay when the answer is no).
 */
function useUnsavedChangesGuard(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const unguard = guardHistory(() => window.confirm(LEAVE));
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    const onClick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.('a[href]');
      if (!(a instanceof HTMLAnchorElement) || a.target === '_blank' || a.origin !== location.origin) return;
      if (a.pathname === location.pathname && a.search === location.search) return;
      if (!window.confirm(LEAVE)) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    document.addEventListener('click', onClick, true);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      document.removeEventListener('click', onClick, true);
      unguard();
    };
  }, [active]);
}
