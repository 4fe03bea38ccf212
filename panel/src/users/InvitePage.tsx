import { useState } from 'react';
import type { SessionInfo } from '../api/types.js';
import { AuthLayout } from '../auth/AuthLayout.js';
import { useNewPasswordForm } from '../auth/use-new-password.js';
import { NewPasswordFields } from '../auth/NewPasswordFields.js';
import { usersApi } from './users-api.js';

/** `/invite#token=…`: the invitee chooses a password and is signed in (the token stays in the fragment). */
export function InvitePage({ onSignedIn }: { onSignedIn(s: SessionInfo): void }) {
  const [token] = useState(() => new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '');
  const form = useNewPasswordForm('This invitation is not valid: it was used or has expired.', onSignedIn);
  return (
    <AuthLayout title="Join the team">
      <form className="auth-form" onSubmit={(e) => void form.submit(e, (pw) => usersApi.accept(token, pw))} noValidate>
        {!token && (
          <p className="form-error" role="alert">
            Open the invitation link you were sent (it ends with <code>#token=…</code>).
          </p>
        )}
        {form.error && (
          <p className="form-error" role="alert">
            {form.error}
          </p>
        )}
        <NewPasswordFields form={form} label="Choose a password" autoFocus />
        <button type="submit" className="btn btn-primary btn-block" disabled={form.busy || !token || !form.password}>
          {form.busy ? 'Joining…' : 'Join'}
        </button>
      </form>
    </AuthLayout>
  );
}
