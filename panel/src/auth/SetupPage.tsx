import { useEffect, useState } from 'react';
import { sessionApi } from '../api/session.js';
import type { SessionInfo } from '../api/types.js';
import { Link } from '../app/router.js';
import { Field } from '../ui/Field.js';
import { NewPasswordFields } from './NewPasswordFields.js';
import { Loading } from '../ui/States.js';
import { AuthLayout } from './AuthLayout.js';
import { useNewPasswordForm } from './use-new-password.js';

/** The token of the one-time link `/setup#token=...` (kept in the fragment so it never reaches a log). */
function tokenFromHash(): string {
  return new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
}

/** First run: the person holding the one-time link creates the first administrator. */
export function SetupPage({ onSignedIn }: { onSignedIn(s: SessionInfo): void }) {
  const [needed, setNeeded] = useState<boolean | undefined>(undefined);
  const [token, setToken] = useState(tokenFromHash);
  const [email, setEmail] = useState('');
  const form = useNewPasswordForm('This setup link is not valid (it works only once).', onSignedIn);

  useEffect(() => {
    // a second link pasted into the same tab changes only the fragment
    const onHash = () => setToken(tokenFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    sessionApi.setupNeeded().then(
      (r) => setNeeded(r.needed),
      () => setNeeded(false),
    );
  }, []);

  if (needed === undefined) return <Loading />;
  if (!needed) {
    return (
      <AuthLayout title="Flotilla is set up">
        <p>
          An administrator already exists. <Link to="/">Sign in</Link> instead.
        </p>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title="Create the first administrator">
      {!token && (
        <p className="form-error" role="alert">
          Open the one-time link printed by the server at start (it ends with <code>#token=…</code>).
        </p>
      )}
      <form
        className="auth-form"
        onSubmit={(e) => void form.submit(e, (pw) => sessionApi.completeSetup(token, email, pw))}
        noValidate
      >
        {form.error && (
          <p className="form-error" role="alert">
            {form.error}
          </p>
        )}
        <Field label="E-mail" errors={form.errors.email} required>
          {({ id, describedBy, invalid, required: isRequired }) => (
            <input
              id={id}
              type="email"
              autoComplete="username"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              aria-required={isRequired}
              autoFocus
            />
          )}
        </Field>
        <NewPasswordFields form={form} label="Password" />
        <button type="submit" className="btn btn-primary btn-block" disabled={form.busy || !token || !email || !form.password}>
          {form.busy ? 'Creating…' : 'Create administrator'}
        </button>
      </form>
    </AuthLayout>
  );
}
