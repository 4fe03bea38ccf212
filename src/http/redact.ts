import { KEY_PATTERN } from '../auth/key-crypto.js';

const AUTH_TOKEN_PARAM = /([?&;]auth_token=)[^&#;]*/gi;

/** Decodes %XX sequences (and `+`) until nothing changes, never throwing on malformed input. */
function decodeFully(text: string): string {
  let current = text;
  for (let round = 0; round < 5; round++) {
    const next = current
      .replace(/\+/g, ' ')
      .replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === current) break;
    current = next;
  }
  return current;
}

/**
 * Removes key values from text that may reach a log: `auth_token=` query values and anything shaped like a key,
 * in plain or percent-encoded form (`auth%5Ftoken=%66%6C%61…`, or a mix). Text in which only the decoded form
 * holds something to remove is returned decoded (and redacted); other text is returned as it came.
 */
export function redact(text: string): string {
  const plain = text.replace(AUTH_TOKEN_PARAM, '$1[REDACTED]').replace(KEY_PATTERN, '[REDACTED]');
  if (!/%[0-9a-f]{2}/i.test(plain)) return plain;
  const decoded = decodeFully(text);
  const cleaned = decoded.replace(AUTH_TOKEN_PARAM, '$1[REDACTED]').replace(KEY_PATTERN, '[REDACTED]');
  return cleaned === decoded ? plain : cleaned;
}
