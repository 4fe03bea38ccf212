import { useState } from 'react';
import type { SessionInfo } from '../api/types.js';
import { AuthLayout } from '../auth/AuthLayout.js';
import { useNewPasswordForm } from '../auth/use-new-password.js';
import { PasswordField } from '../ui/Field.js';
import { usersApi } from './users-api.js';

/** `/invite#token=…`: the invitee chooses a password and is signed in (the token stays in the fragment). */
export function InvitePage({ onSignedIn }: { onSignedIn(s: SessionInfo): void }) {
  const [token] = useState(() => new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '');
  const { password, setPassword, repeat, setRepeat, errors, error, busy, submit } = useNewPasswordForm(
    'This invitation is not valid: it was used or has expired.',
    onSignedIn,
  );
  return (
    <AuthLayout title="Join the team">
      <form className="auth-form" onSubmit={(e) => void submit(e, (pw) => usersApi.accept(token, pw))} noValidate>
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
