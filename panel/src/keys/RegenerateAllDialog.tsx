import { useId, useState } from 'react';
import { errorMessage, fieldErrorsOf } from '../api/errors.js';
import { keysApi } from '../api/keys.js';
import type { ApiKey } from '../api/types.js';
import { useNotices } from '../app/notices.js';
import { copyText } from '../ui/clipboard.js';
import { FieldErrorList } from '../ui/Field.js';
import { Icon } from '../ui/Icon.js';
import { Modal } from '../ui/Modal.js';

interface Props {
  onDone(keys: ApiKey[]): void;
  onClose(): void;
}

/**
 * Emergency rotation in two steps: what it does, then the signed-in password again. The new values are listed once,
 * here; afterwards each card masks its value as usual.
 */
export function RegenerateAllDialog({ onDone, onClose }: Props) {
  const { notify } = useNotices();
  const passwordId = useId();
  const [step, setStep] = useState<'warn' | 'password' | 'done'>('warn');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string[] | undefined>();
  const [busy, setBusy] = useState(false);
  const [fresh, setFresh] = useState<ApiKey[]>([]);

  const run = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      const keys = await keysApi.regenerateAll(password);
      setPassword('');
      setFresh(keys);
      setStep('done');
      onDone(keys);
    } catch (e) {
      setProblem(fieldErrorsOf(e)?.password ?? [errorMessage(e)]);
    } finally {
      setBusy(false);
    }
  };

  const copy = async (k: ApiKey) => {
    try {
      await copyText(k.key);
      notify('success', `The new value of “${k.name}” was copied to the clipboard.`);
    } catch (e) {
      notify('error', `Could not copy the key: ${errorMessage(e)}`);
    }
  };

  if (step === 'warn')
    return (
      <Modal
        title="Regenerate all keys?"
        onClose={onClose}
        footer={
          <>
            <button type="button" className="btn" onClick={onClose} autoFocus>
              Cancel
            </button>
            <button type="button" className="btn btn-danger" onClick={() => setStep('password')}>
              Continue
            </button>
          </>
        }
      >
        <p>
          For when a key may have leaked: <strong>every</strong> API key — both application keys and every user defined key — gets
          a new value at once, on every server. Every application will be refused until it gets its new key. No grace window: old
          values stop working immediately.
        </p>
      </Modal>
    );

  if (step === 'password')
    return (
      <Modal
        title="Confirm with your password"
        onClose={onClose}
        footer={
          <>
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="button" className="btn btn-danger" disabled={busy || password === ''} onClick={() => void run()}>
              {busy ? 'Working…' : 'Regenerate all keys'}
            </button>
          </>
        }
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (password !== '' && !busy) void run();
          }}
        >
          <div className={problem ? 'field field-invalid' : 'field'}>
            <label className="field-label" htmlFor={passwordId}>
              Your password
            </label>
            <input
              id={passwordId}
              type="password"
              autoComplete="current-password"
              autoFocus
              value={password}
              aria-invalid={Boolean(problem)}
              onChange={(e) => setPassword(e.target.value)}
            />
            <FieldErrorList errors={problem} />
          </div>
        </form>
      </Modal>
    );

  return (
    <Modal
      title="New key values"
      wide
      onClose={onClose}
      footer={
        <button type="button" className="btn btn-primary" onClick={onClose}>
          Done
        </button>
      }
    >
      <p>Every key has a new value. They are listed here once: copy what your applications need now.</p>
      <ul className="fresh-keys" aria-label="New key values">
        {fresh.map((k) => (
          <li key={k.id}>
            <span className="fresh-key-name">{k.name}</span>
            <code className="fresh-key-value">{k.key}</code>
            <button type="button" className="btn btn-small" onClick={() => void copy(k)} aria-label={`Copy ${k.name}`}>
              <Icon name="copy" size={16} /> Copy
            </button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}
