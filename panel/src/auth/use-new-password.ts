import { useState, type FormEvent } from 'react';
import { errorMessage, fieldErrorsOf } from '../api/errors.js';
import { ApiError } from '../api/http.js';
import type { FieldErrors, SessionInfo } from '../api/types.js';

/**
 * A form that signs in with a one-time link and a new password (first administrator, invitation): the two password
 * fields must match; the server's field errors go to their fields, a refused link (403) says `refused`, and a
 * session answered signs in, leaving the token's address.
 */
export function useNewPasswordForm(refused: string, onSignedIn: (s: SessionInfo) => void) {
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent, send: (password: string) => Promise<SessionInfo>) => {
    e.preventDefault();
    setError('');
    if (password !== repeat) {
      setErrors({ repeat: ['The passwords do not match'] });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const s = await send(password);
      window.history.replaceState(null, '', '/');
      onSignedIn(s);
    } catch (err) {
      setBusy(false);
      const fields = fieldErrorsOf(err);
      if (fields) setErrors(fields);
      else setError(err instanceof ApiError && err.status === 403 ? refused : errorMessage(err));
    }
  };
  return { password, setPassword, repeat, setRepeat, errors, error, busy, submit };
}
