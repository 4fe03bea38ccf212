import { useId, useState } from 'react';
import { contentTypesApi } from '../api/content-types.js';
import { errorMessage, fieldErrorsOf } from '../api/errors.js';
import type { ContentType, FieldErrors } from '../api/types.js';
import { useNotices } from '../app/notices.js';
import { Link, useRouter } from '../app/router.js';
import { usePageTitle } from '../app/page-title.js';
import { useLoad } from '../app/use-load.js';
import { ConfirmDialog } from '../ui/ConfirmDialog.js';
import { Field } from '../ui/Field.js';
import { Icon } from '../ui/Icon.js';
import { ErrorState, Loading } from '../ui/States.js';
import { draftErrors, TOP, unclaimedErrors } from './ctd-errors.js';
import { bodyOf, draftFrom, newField, typeNameFrom, type CtdDraft } from './ctd-model.js';
import { FieldList } from './FieldEditor.js';

const load = async (name: string | undefined) => {
  const [types, ct] = await Promise.all([contentTypesApi.list(), name ? contentTypesApi.get(name) : Promise.resolve(undefined)]);
  return { types: types.data, ct };
};

/** Creates a content type (no `name`) or edits one. */
export function ContentTypeEditorPage({ name }: { name?: string }) {
  const loaded = useLoad(() => load(name), name ?? '');
  if (loaded.error) return <ErrorState error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data) return <Loading label="Loading the content type…" />;
  return <Editor ct={loaded.data.ct} types={loaded.data.types} />;
}

function Editor({ ct, types }: { ct: ContentType | undefined; types: ContentType[] }) {
  const creating = !ct;
  usePageTitle(ct ? `Edit ${ct.label}` : 'New content type');
  const { navigate } = useRouter();
  const { notify } = useNotices();
  const [saved, setSaved] = useState<CtdDraft>(() =>
    ct ? draftFrom(ct) : { name: '', label: '', fields: [newField()], rest: {} },
  );
  const [draft, setDraft] = useState<CtdDraft>(saved);
  const [nameTouched, setNameTouched] = useState(!creating);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const dirty = JSON.stringify(bodyOf(draft)) !== JSON.stringify(bodyOf(saved)) || creating;
  const general = unclaimedErrors(errors, draft);
  const draftPublicHelp = useId();

  /** Drops the messages under these paths: the field they were about has just changed. */
  const clearErrors = (prefixes: string[]) =>
    setErrors((all) => {
      const keep = Object.entries(all).filter(
        ([k]) => !prefixes.some((p) => k === p || k.startsWith(`${p}.`) || k.startsWith(`${p}[`)),
      );
      return keep.length === Object.keys(all).length ? all : Object.fromEntries(keep);
    });

  const save = async () => {
    const found = draftErrors(draft, creating);
    setErrors(found);
    if (Object.keys(found).length)
      return notify('error', 'The content type was not saved: please correct the highlighted fields.');
    setBusy(true);
    try {
      const body = bodyOf(draft);
      const result = creating ? await contentTypesApi.create(body) : await contentTypesApi.update(ct.name, body);
      setErrors({});
      notify(
        'success',
        creating ? `The content type “${result.label}” was created.` : `The content type “${result.label}” was saved.`,
      );
      const next = draftFrom(result);
      setSaved(next);
      setDraft(next);
      if (creating) navigate(`/content-types/${encodeURIComponent(result.name)}`, { replace: true });
    } catch (e) {
      setErrors(fieldErrorsOf(e) ?? {});
      notify('error', `The content type was not saved: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    try {
      await contentTypesApi.remove(ct!.name);
      notify('success', `The content type “${ct!.label}” was deleted.`);
      navigate('/content-types');
    } catch (e) {
      notify('error', `The content type was not deleted: ${errorMessage(e)}`);
      throw e;
    }
  };

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <p className="crumbs">
            <Link to="/content-types">Content types</Link> /
          </p>
          <h1>{ct ? ct.label : 'New content type'}</h1>
        </div>
        <div className="page-actions">
          {dirty && !creating && <span className="badge badge-warn">Unsaved changes</span>}
          {ct && (
            <>
              <Link className="btn" to={`/content/${encodeURIComponent(ct.name)}`}>
                Open content
              </Link>
              <button type="button" className="btn btn-danger-text" onClick={() => setConfirmDelete(true)}>
                <Icon name="trash" size={16} /> Delete
              </button>
            </>
          )}
          <button type="button" className="btn btn-primary" onClick={() => void save()} disabled={busy || !dirty}>
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
      <section className="card form-card" aria-label="Content type">
        <div className="field-grid field-grid-2">
          <Field label="Label" help="How people see the type, e.g. “Blog posts”." errors={errors.label} required>
            {({ id, describedBy, invalid, required: isRequired }) => (
              <input
                id={id}
                value={draft.label}
                autoFocus={creating}
                onChange={(e) => {
                  clearErrors(nameTouched ? ['label'] : ['label', 'name']);
                  setDraft({ ...draft, label: e.target.value, ...(nameTouched ? {} : { name: typeNameFrom(e.target.value) }) });
                }}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                aria-required={isRequired}
              />
            )}
          </Field>
          <Field
            label="API name"
            help={creating ? 'Lowercase letters and _ only; it cannot be changed later.' : 'It cannot be changed.'}
            errors={errors.name}
            required
          >
            {({ id, describedBy, invalid, required: isRequired }) => (
              <input
                id={id}
                value={draft.name}
                readOnly={!creating}
                spellCheck={false}
                onChange={(e) => {
                  setNameTouched(true);
                  clearErrors(['name']);
                  setDraft({ ...draft, name: e.target.value });
                }}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                aria-required={isRequired}
              />
            )}
          </Field>
        </div>
        <label className="check check-field">
          <input
            type="checkbox"
            checked={Boolean(draft.rest.draftPublic)}
            onChange={(e) => setDraft({ ...draft, rest: { ...draft.rest, draftPublic: e.target.checked } })}
            aria-describedby={draftPublicHelp}
          />
          Draft &amp; Public
        </label>
        <p id={draftPublicHelp} className="field-help">
          New objects start as drafts that only the Panel and keys allowed to preview see, until they are published.
        </p>
      </section>
      <h2 className="section-title">Fields</h2>
      <FieldList
        fields={draft.fields}
        level={TOP}
        topLevel
        depth={0}
        errors={errors}
        types={types}
        onChange={(fields) => setDraft({ ...draft, fields })}
        onEdited={clearErrors}
        addLabel="Add field"
      />
      <div className="form-foot">
        <button type="button" className="btn btn-primary" onClick={() => void save()} disabled={busy || !dirty}>
          <Icon name="save" size={16} /> {busy ? 'Saving…' : creating ? 'Create content type' : 'Save'}
        </button>
      </div>
      {confirmDelete && ct && (
        <ConfirmDialog
          title={`Delete “${ct.label}”?`}
          confirmLabel="Delete"
          danger
          onConfirm={remove}
          onClose={() => setConfirmDelete(false)}
        >
          <p>A type can be deleted only when it has no objects and no API key rule uses it.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
