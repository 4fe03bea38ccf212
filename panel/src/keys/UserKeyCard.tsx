import { useId, useState } from 'react';
import { errorMessage, fieldErrorsOf } from '../api/errors.js';
import { keysApi } from '../api/keys.js';
import type { ApiKey, ContentType, FieldErrors } from '../api/types.js';
import { useNotices } from '../app/notices.js';
import { FieldErrorList } from '../ui/Field.js';
import { formatDate } from '../ui/format.js';
import { Icon } from '../ui/Icon.js';
import { KeyActions } from './KeyActions.js';
import { draftOf, draftProblems, isDirty, limitsOf, nextRule, NO_LIMITS, type KeyDraft } from './key-draft.js';
import { KeyLimitsForm } from './KeyLimitsForm.js';
import { ExpiryBadge, KeyStatus } from './KeyStatus.js';
import { KeyUsagePanel } from './KeyUsagePanel.js';
import { SecretValue } from '../ui/SecretValue.js';
import { RuleRow } from './RuleRow.js';

interface Props {
  /** The key as the server has it; undefined until a new key is first saved. */
  saved: ApiKey | undefined;
  types: ContentType[];
  onSaved(key: ApiKey): void;
  /** Removes the key (or discards a never-saved one). */
  onRemoved(): void;
  onReveal(key: ApiKey): void;
  onAudited(): void;
}

/** A user-defined key: its name and rules (saved on their own), its value and actions. */
export function UserKeyCard({ saved, types, onSaved, onRemoved, onReveal, onAudited }: Props) {
  const { notify } = useNotices();
  const titleId = useId();
  const [draft, setDraft] = useState<KeyDraft>(() => (saved ? draftOf(saved) : { name: '', rules: [], ...NO_LIMITS }));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const dirty = isDirty(draft, saved);
  const taken = new Set(draft.rules.map((r) => r.ctdName));
  const addable = nextRule(types, draft.rules);

  const save = async () => {
    const problems = draftProblems(draft);
    setErrors(problems);
    if (Object.keys(problems).length) return notify('error', 'The key was not saved: please correct the highlighted fields.');
    setSaving(true);
    try {
      const name = draft.name.trim();
      const limits = limitsOf(draft);
      const key = saved
        ? await keysApi.update(saved.id, name, draft.rules, limits)
        : await keysApi.create(name, draft.rules, limits);
      setDraft(draftOf(key));
      onSaved(key);
      notify('success', saved ? `The key “${key.name}” was saved.` : `The key “${key.name}” was created.`);
    } catch (e) {
      setErrors(fieldErrorsOf(e) ?? {});
      notify('error', `The key was not saved: ${errorMessage(e)}`);
    } finally {
      setSaving(false);
    }
  };

  /** One click on a suggestion: the rule without the unused grant (a rule left with no grant goes). */
  const applySuggestion = async (sg: { ctdName: string; grant: string }) => {
    if (!saved) return;
    const rules = saved.rules
      .map((r) => (r.ctdName === sg.ctdName ? { ...r, [sg.grant]: false } : r))
      .filter((r) => r.canRead || r.canCreate || r.canUpdate || r.canDelete || r.canPreview || r.canPublish);
    try {
      const key = await keysApi.update(saved.id, saved.name, rules);
      setDraft(draftOf(key));
      onSaved(key);
      notify('success', `The rule on ${sg.ctdName} of “${key.name}” was narrowed.`);
    } catch (e) {
      notify('error', `The rule was not changed: ${errorMessage(e)}`);
    }
  };

  const remove = async () => {
    if (!saved) return onRemoved();
    try {
      await keysApi.remove(saved.id);
      notify('success', `The key “${saved.name}” was removed.`);
      onRemoved();
    } catch (e) {
      notify('error', `Could not remove the key: ${errorMessage(e)}`);
      throw e;
    }
  };

  const heading = draft.name.trim() || saved?.name || 'New API key';
  return (
    <article className={dirty ? 'card key-card key-card-dirty' : 'card key-card'} aria-labelledby={titleId}>
      <header className="key-card-head">
        <h3 id={titleId}>{heading}</h3>
        {saved && <ExpiryBadge apiKey={saved} />}
        {dirty && <span className="badge badge-warn">{saved ? 'Unsaved changes' : 'Not saved yet'}</span>}
      </header>
      <div className="field">
        <label className="field-label" htmlFor={`${titleId}-name`}>
          Key name
        </label>
        <input
          id={`${titleId}-name`}
          value={draft.name}
          maxLength={100}
          placeholder="e.g. Website"
          aria-invalid={Boolean(errors.name)}
          autoFocus={!saved}
          onChange={(e) => setDraft({ ...draft, name: e.target.value })}
        />
        <FieldErrorList errors={errors.name} />
      </div>
      {saved ? (
        <>
          <SecretValue value={saved.key} onReveal={() => onReveal(saved)} />
          <KeyActions apiKey={saved} onChanged={onSaved} onRemove={remove} onAudited={onAudited} />
          <p className="key-meta">{saved.lastUsedAt ? `Last used ${formatDate(saved.lastUsedAt)}` : 'Never used'}</p>
          <KeyStatus apiKey={saved} onChanged={onSaved} onAudited={onAudited} />
          <KeyUsagePanel
            apiKey={saved}
            onApply={applySuggestion}
            applyBlocked={dirty ? 'Save or undo the changes on this card first' : undefined}
          />
        </>
      ) : (
        <p className="key-pending">Save API key to generate token</p>
      )}
      <h4 className="rules-title">Rules</h4>
      {draft.rules.length === 0 ? (
        <p className="muted">No rules: this key can do nothing. Add a rule for each content type it may use.</p>
      ) : (
        <ul className="rules">
          {draft.rules.map((rule, i) => (
            <RuleRow
              key={i}
              rule={rule}
              types={types}
              taken={new Set([...taken].filter((n) => n !== rule.ctdName))}
              errors={[...(errors[`rules[${i}].ctdName`] ?? []), ...(errors[`rules[${i}]`] ?? [])]}
              onChange={(r) => setDraft({ ...draft, rules: draft.rules.map((x, j) => (j === i ? r : x)) })}
              onDelete={() => setDraft({ ...draft, rules: draft.rules.filter((_, j) => j !== i) })}
            />
          ))}
        </ul>
      )}
      <FieldErrorList errors={errors.rules} />
      <button
        type="button"
        className="btn"
        disabled={!addable}
        onClick={() => addable && setDraft({ ...draft, rules: [...draft.rules, addable] })}
      >
        <Icon name="plus" size={16} /> Add rule
      </button>
      <h4 className="rules-title">Limits</h4>
      <KeyLimitsForm draft={draft} errors={errors} withExpiry onChange={(limits) => setDraft({ ...draft, ...limits })} />
      <footer className="key-card-foot">
        <div className="grow" />
        {!saved && (
          <button type="button" className="btn" onClick={onRemoved}>
            Discard
          </button>
        )}
        <button type="button" className="btn btn-primary" disabled={!dirty || saving} onClick={() => void save()}>
          <Icon name="save" size={16} /> {saving ? 'Saving…' : 'Save'}
        </button>
      </footer>
    </article>
  );
}
