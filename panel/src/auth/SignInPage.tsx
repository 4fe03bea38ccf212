import { useState, type FormEvent } from 'react';
import { errorMessage } from '../api/errors.js';
import { ApiError } from '../api/http.js';
import { sessionApi } from '../api/session.js';
import type { SessionInfo } from '../api/types.js';
import { AuthLayout } from './AuthLayout.js';

/** The sign-in form; stays on the page the person asked for. */
export function SignInPage({ onSignedIn }: { onSignedIn(s: SessionInfo): void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onSignedIn(await sessionApi.signIn(email, password));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'The e-mail or the password is not right.' : errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <AuthLayout title="Sign in to Flotilla">
      <form className="auth-form" onSubmit={(e) => void submit(e)} noValidate>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <label className="field-label" htmlFor="signin-email">
          E-mail
        </label>
        <input
          id="signin-email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoFocus
        />
        <label className="field-label" htmlFor="signin-password">
          Password
        </label>
        <input
          id="signin-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || !email || !password}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthLayout>
  );
}
