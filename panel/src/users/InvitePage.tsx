import { useState, type FormEvent } from 'react';
import { errorMessage, fieldErrorsOf } from '../api/errors.js';
import { ApiError } from '../api/http.js';
import type { FieldErrors, SessionInfo } from '../api/types.js';
import { AuthLayout } from '../auth/AuthLayout.js';
import { PasswordField } from '../ui/Field.js';
import { usersApi } from './users-api.js';

/** `/invite#token=…`: the invitee chooses a password and is signed in (the token stays in the fragment). */
export function InvitePage({ onSignedIn }: { onSignedIn(s: SessionInfo): void }) {
  const [token] = useState(() => new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    if (password !== repeat) {
      setErrors({ repeat: ['The passwords do not match'] });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const s = await usersApi.accept(token, password);
      window.history.replaceState(null, '', '/');
      onSignedIn(s);
    } catch (err) {
      setBusy(false);
      const fields = fieldErrorsOf(err);
      if (fields) setErrors(fields);
      else
        setError(
          err instanceof ApiError && err.status === 403
            ? 'This invitation is not valid: it was used or has expired.'
            : errorMessage(err),
        );
    }
  };
  return (
    <AuthLayout title="Join the team">
      <form className="auth-form" onSubmit={(e) => void submit(e)} noValidate>
        {!token && (
          <p className="form-error" role="alert">
            Open the invitation link you were sent (it ends with <code>#token=…</code>).
          </p>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <PasswordField
          label="Choose a password"
          help="At least 8 characters."
          errors={errors.password}
          value={password}
          onChange={setPassword}
          autoFocus
        />
        <PasswordField label="Repeat the password" errors={errors.repeat} value={repeat} onChange={setRepeat} />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || !token || !password}>
          {busy ? 'Joining…' : 'Join'}
        </button>
      </form>
    </AuthLayout>
  );
}
