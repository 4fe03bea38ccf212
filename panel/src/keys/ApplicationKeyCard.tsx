import { useId, useState } from 'react';
import { errorMessage, fieldErrorsOf } from '../api/errors.js';
import { keysApi } from '../api/keys.js';
import type { ApiKey, FieldErrors } from '../api/types.js';
import { useNotices } from '../app/notices.js';
import { formatDate } from '../ui/format.js';
import { Icon } from '../ui/Icon.js';
import { KeyActions } from './KeyActions.js';
import { draftOf, draftProblems, isDirty, limitsOf, type KeyDraft } from './key-draft.js';
import { KeyLimitsForm } from './KeyLimitsForm.js';
import { KeyStatus } from './KeyStatus.js';
import { KeyUsagePanel } from './KeyUsagePanel.js';
import { SecretValue } from '../ui/SecretValue.js';

interface Props {
  apiKey: ApiKey;
  onChanged(key: ApiKey): void;
  onReveal(): void;
  onAudited(): void;
  /** Creates a user-defined key reading these types (a usage suggestion). */
  onCreateReadKey(types: string[]): Promise<void>;
}

const DESCRIPTION: Record<string, string> = {
  'read-only':
    'Reads every content type and what is published (never drafts). Safe for websites and apps that only display content.',
  'read-write': 'Can do everything the API offers: content types, content and media. Keep it on servers only.',
};

/** The read-only or the read-write key: it cannot be removed, only regenerated; its limits can be set. */
export function ApplicationKeyCard({ apiKey, onChanged, onReveal, onAudited, onCreateReadKey }: Props) {
  const titleId = useId();
  const { notify } = useNotices();
  const [draft, setDraft] = useState<KeyDraft>(() => draftOf(apiKey));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const dirty = isDirty(draft, apiKey);

  const save = async () => {
    const problems = draftProblems(draft);
    setErrors(problems);
    if (Object.keys(problems).length) return notify('error', 'The limits were not saved: please correct the highlighted fields.');
    setSaving(true);
    try {
      const { requestLimit, allowedNetworks, allowedOrigins } = limitsOf(draft);
      const key = await keysApi.updateLimits(apiKey.id, { requestLimit, allowedNetworks, allowedOrigins });
      setDraft(draftOf(key));
      onChanged(key);
      onAudited();
      notify('success', `The limits of “${key.name}” were saved.`);
    } catch (e) {
      setErrors(fieldErrorsOf(e) ?? {});
      notify('error', `The limits were not saved: ${errorMessage(e)}`);
    } finally {
      setSaving(false);
    }
  };

  return (
    <article className={dirty ? 'card key-card key-card-dirty' : 'card key-card'} aria-labelledby={titleId}>
      <header className="key-card-head">
        <h3 id={titleId}>{apiKey.name}</h3>
        <span className="badge">{apiKey.kind === 'read-only' ? 'Read only' : 'Read and write'}</span>
        {dirty && <span className="badge badge-warn">Unsaved changes</span>}
      </header>
      <p className="muted">{DESCRIPTION[apiKey.kind]}</p>
      <SecretValue value={apiKey.key} onReveal={onReveal} />
      <KeyActions apiKey={apiKey} onChanged={onChanged} onAudited={onAudited} />
      <p className="key-meta">{apiKey.lastUsedAt ? `Last used ${formatDate(apiKey.lastUsedAt)}` : 'Never used'}</p>
      <KeyStatus apiKey={apiKey} onChanged={onChanged} onAudited={onAudited} />
      <KeyUsagePanel apiKey={apiKey} onCreateReadKey={onCreateReadKey} />
      <details className="key-limits-toggle" open={dirty || undefined}>
        <summary>Limits</summary>
        <KeyLimitsForm draft={draft} errors={errors} withExpiry={false} onChange={(l) => setDraft({ ...draft, ...l })} />
        <div className="key-card-foot">
          <div className="grow" />
          <button type="button" className="btn btn-primary" disabled={!dirty || saving} onClick={() => void save()}>
            <Icon name="save" size={16} /> {saving ? 'Saving…' : 'Save limits'}
          </button>
        </div>
      </details>
    </article>
  );
}
