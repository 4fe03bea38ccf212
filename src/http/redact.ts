import { KEY_PATTERN } from '../auth/key-crypto.js';

/** Removes key values from text that may reach a log: `auth_token=` query values and anything shaped like a key. */
export function redact(text: string): string {
  return text.replace(/([?&]auth_token=)[^&#]*/gi, '$1[REDACTED]').replace(KEY_PATTERN, '[REDACTED]');
}
