import { useState } from 'react';
import { errorMessage } from '../api/errors.js';
import { keysApi } from '../api/keys.js';
import type { ApiKey } from '../api/types.js';
import { useNotices } from '../app/notices.js';
import { formatDate } from '../ui/format.js';
import { expiryState } from './key-draft.js';

/** "Expired" or "Expires soon" (within 7 days), for a card's head. */
export function ExpiryBadge({ apiKey }: { apiKey: ApiKey }) {
  const state = expiryState(apiKey, Date.now());
  if (state === 'expired') return <span className="badge badge-danger">Expired</span>;
  if (state === 'soon') return <span className="badge badge-warn">Expires soon</span>;
  return null;
}

interface Props {
  apiKey: ApiKey;
  onChanged(key: ApiKey): void;
  onAudited(): void;
}

/** When the key expires, and while a rotation's grace window runs, until when the previous value works ("End now"). */
export function KeyStatus({ apiKey, onChanged, onAudited }: Props) {
  const { notify } = useNotices();
  const [busy, setBusy] = useState(false);
  const endNow = async () => {
    setBusy(true);
    try {
      onChanged(await keysApi.endGrace(apiKey.id));
      notify('success', `The previous value of “${apiKey.name}” no longer works.`);
      onAudited();
    } catch (e) {
      notify('error', `Could not end the grace window: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {apiKey.expiresAt && (
        <p className="key-meta">
          {expiryState(apiKey, Date.now()) === 'expired' ? 'Expired' : 'Expires'} {formatDate(apiKey.expiresAt)}
        </p>
      )}
      {apiKey.previousValidUntil && (
        <p className="key-grace" role="status">
          <span>Previous value valid until {formatDate(apiKey.previousValidUntil)}</span>
          <button type="button" className="btn btn-small" disabled={busy} onClick={() => void endNow()}>
            End now
          </button>
        </p>
      )}
    </>
  );
}
