import { useState } from 'react';
import { errorMessage } from '../api/errors.js';
import { webhooksApi } from '../api/webhooks.js';
import { useNotices } from '../app/notices.js';
import { copyText } from '../ui/clipboard.js';
import { ConfirmDialog } from '../ui/ConfirmDialog.js';
import { Icon } from '../ui/Icon.js';
import { SecretValue } from '../ui/SecretValue.js';

/**
 * The signing secret of a webhook: fetched only when revealed or copied (each reveal is audited), and rotated after
 * a confirmation.
 */
export function WebhookSecret({ webhookId }: { webhookId: string }) {
  const { notify } = useNotices();
  const [secret, setSecret] = useState<string | undefined>();
  const [confirmRotate, setConfirmRotate] = useState(false);

  const fetchSecret = async () => {
    const s = secret ?? (await webhooksApi.secret(webhookId));
    setSecret(s);
    return s;
  };

  const reveal = () => {
    fetchSecret().catch((e: unknown) => notify('error', `Could not read the secret: ${errorMessage(e)}`));
  };

  const copy = async () => {
    try {
      await copyText(await fetchSecret());
      notify('success', 'The signing secret was copied to the clipboard.');
    } catch (e) {
      notify('error', `Could not copy the secret: ${errorMessage(e)}`);
    }
  };

  const rotate = async () => {
    try {
      setSecret(await webhooksApi.rotateSecret(webhookId));
      notify('success', 'A new signing secret was generated. Deliveries are signed with it from now on.');
    } catch (e) {
      notify('error', `Could not rotate the secret: ${errorMessage(e)}`);
      throw e;
    }
  };

  return (
    <section className="section" aria-labelledby="webhook-secret-title">
      <h2 id="webhook-secret-title">Signing secret</h2>
      <p className="muted">
        Every delivery carries <code>X-Flotilla-Signature: t=…,v1=…</code>, an HMAC-SHA-256 of “t.body” with this secret.
      </p>
      <div className="card">
        <SecretValue noun="secret" value={secret} onReveal={reveal} />
        <div className="key-actions">
          <button type="button" className="btn btn-small" onClick={() => void copy()}>
            <Icon name="copy" size={16} /> Copy
          </button>
          <button type="button" className="btn btn-small" onClick={() => setConfirmRotate(true)}>
            <Icon name="refresh" size={16} /> Rotate
          </button>
        </div>
      </div>
      {confirmRotate && (
        <ConfirmDialog
          title="Rotate the signing secret?"
          confirmLabel="Rotate"
          danger
          onConfirm={rotate}
          onClose={() => setConfirmRotate(false)}
        >
          <p>Deliveries are signed with a new secret at once. Receivers that check signatures need the new secret.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
