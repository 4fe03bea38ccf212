import { useState, type FormEvent } from 'react';
import { errorMessage, fieldErrorsOf } from '../api/errors.js';
import type { FieldErrors } from '../api/types.js';
import { usePageTitle } from '../app/page-title.js';
import { useLoad } from '../app/use-load.js';
import { useSession } from '../app/session.js';
import { PasswordField } from '../ui/Field.js';
import { ErrorState, Loading } from '../ui/States.js';
import { usersApi } from './users-api.js';

/** The signed-in user's own account: their role, a password change, their sessions (each can be ended). */
export function AccountPage() {
  usePageTitle('Your account');
  const { user, role } = useSession();
  const sessions = useLoad(() => usersApi.mySessions(), 'my-sessions');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState('');
  const change = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setMessage('');
    try {
      await usersApi.changePassword(current, next);
      setCurrent('');
      setNext('');
      setMessage('Your password is changed; your other sessions have ended.');
      sessions.reload();
    } catch (err) {
      const fields = fieldErrorsOf(err);
      if (fields) setErrors(fields);
      else setMessage(errorMessage(err));
    }
  };
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>Your account</h1>
          <p className="muted">
            {user.email}
            {role ? ` · ${role.name}` : ''}
          </p>
        </div>
      </header>
      <section className="card" aria-labelledby="pw-head">
        <h2 id="pw-head">Change your password</h2>
        <form onSubmit={(e) => void change(e)} noValidate>
          {message && <p role="status">{message}</p>}
          <PasswordField
            label="Current password"
            errors={errors.password}
            value={current}
            onChange={setCurrent}
            autoComplete="current-password"
          />
          <PasswordField
            label="New password"
            help="At least 8 characters."
            errors={errors.newPassword}
            value={next}
            onChange={setNext}
          />
          <button type="submit" className="btn btn-primary" disabled={!current || !next}>
            Change password
          </button>
        </form>
      </section>
      <section className="card" aria-labelledby="sessions-head">
        <h2 id="sessions-head">Your sessions</h2>
        {sessions.error ? (
          <ErrorState error={sessions.error} onRetry={sessions.reload} />
        ) : !sessions.data ? (
          <Loading label="Loading sessions…" />
        ) : (
          <ul>
            {sessions.data.map((s) => (
              <li key={s.id}>
                Signed in {new Date(s.createdAt).toLocaleString()}, until {new Date(s.expiresAt).toLocaleString()}
                {s.current ? (
                  <span className="muted"> (this one)</span>
                ) : (
                  <>
                    {' '}
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() => void usersApi.endMySession(s.id).then(sessions.reload, sessions.reload)}
                    >
                      End
                    </button>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
