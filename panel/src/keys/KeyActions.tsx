import { useId, useState } from 'react';
import { errorMessage } from '../api/errors.js';
import { keysApi } from '../api/keys.js';
import type { ApiKey } from '../api/types.js';
import { useNotices } from '../app/notices.js';
import { Link } from '../app/router.js';
import { ConfirmDialog } from '../ui/ConfirmDialog.js';
import { Icon } from '../ui/Icon.js';
import { copyText } from '../ui/clipboard.js';
import { QrDialog } from './QrDialog.js';
import { formatDate } from '../ui/format.js';

/** How long a rotation may keep the old value working (the server allows up to 7 days). */
const GRACE_CHOICES = [
  { minutes: 0, label: 'No: stop it at once' },
  { minutes: 15, label: 'For 15 minutes' },
  { minutes: 60, label: 'For 1 hour' },
  { minutes: 24 * 60, label: 'For 1 day' },
  { minutes: 7 * 24 * 60, label: 'For 7 days' },
];

interface Props {
  apiKey: ApiKey;
  onChanged(key: ApiKey): void;
  /** Removes a user-defined key; absent for application keys (the button is shown disabled). */
  onRemove?: () => Promise<void>;
  onAudited(): void;
}

/** Copy, API docs, QR code, Regenerate and Remove for one saved key; copying and showing the code go to the audit trail. */
export function KeyActions({ apiKey, onChanged, onRemove, onAudited }: Props) {
  const { notify } = useNotices();
  const [dialog, setDialog] = useState<'qr' | 'regenerate' | 'remove' | undefined>();
  const [grace, setGrace] = useState(0);
  const graceId = useId();

  const record = (action: 'copied' | 'qr-shown') =>
    keysApi
      .record(apiKey.id, action)
      .then(onAudited, (e: unknown) => notify('error', `Not recorded in the audit trail: ${errorMessage(e)}`));

  const copy = async () => {
    try {
      await copyText(apiKey.key);
      notify('success', `The key “${apiKey.name}” was copied to the clipboard.`);
      void record('copied');
    } catch (e) {
      notify('error', `Could not copy the key: ${errorMessage(e)}`);
    }
  };

  const showQr = () => {
    setDialog('qr');
    void record('qr-shown');
  };

  const regenerate = async () => {
    try {
      const fresh = await keysApi.regenerate(apiKey.id, grace);
      onChanged(fresh);
      notify(
        'success',
        fresh.previousValidUntil
          ? `A new value was generated for “${apiKey.name}”. The old value works until ${formatDate(fresh.previousValidUntil)}.`
          : `A new value was generated for “${apiKey.name}”. The old value no longer works.`,
      );
      onAudited();
    } catch (e) {
      notify('error', `Could not regenerate the key: ${errorMessage(e)}`);
      throw e;
    }
  };

  return (
    <div className="key-actions">
      <button type="button" className="btn btn-small" onClick={() => void copy()}>
        <Icon name="copy" size={16} /> Copy
      </button>
      <Link to={`/api-keys/${encodeURIComponent(apiKey.id)}/docs`} className="btn btn-small" title="This key's OpenAPI document">
        <Icon name="file" size={16} /> API docs
      </Link>
      <button type="button" className="btn btn-small" onClick={showQr}>
        <Icon name="qr" size={16} /> QR code
      </button>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => {
          setGrace(0);
          setDialog('regenerate');
        }}
      >
        <Icon name="refresh" size={16} /> Regenerate
      </button>
      <button
        type="button"
        className="btn btn-small btn-danger-text"
        disabled={!onRemove}
        title={onRemove ? undefined : 'Application keys cannot be removed, only regenerated'}
        onClick={() => setDialog('remove')}
      >
        <Icon name="trash" size={16} /> Remove
      </button>
      {dialog === 'qr' && <QrDialog name={apiKey.name} value={apiKey.key} onClose={() => setDialog(undefined)} />}
      {dialog === 'regenerate' && (
        <ConfirmDialog
          title="Regenerate this key?"
          confirmLabel="Regenerate"
          danger
          onConfirm={regenerate}
          onClose={() => setDialog(undefined)}
        >
          <p>“{apiKey.name}” gets a new value.</p>
          <div className="field">
            <label className="field-label" htmlFor={graceId}>
              Keep the current value working
            </label>
            <select id={graceId} value={grace} onChange={(e) => setGrace(Number(e.target.value))}>
              {GRACE_CHOICES.map((c) => (
                <option key={c.minutes} value={c.minutes}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>
          <p>
            {grace === 0
              ? 'Every application using the current value will be refused from now on.'
              : 'Both values work until the grace window ends; then only the new one. Update your applications meanwhile.'}
          </p>
        </ConfirmDialog>
      )}
      {dialog === 'remove' && onRemove && (
        <ConfirmDialog
          title="Remove this key?"
          confirmLabel="Remove"
          danger
          onConfirm={onRemove}
          onClose={() => setDialog(undefined)}
        >
          <p>“{apiKey.name}” will stop working at once. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
