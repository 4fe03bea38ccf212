import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signature, verifySignature } from './signature.js';

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = '{"webhookId":"w1","action":"Create"}';

  it('is the hex HMAC-SHA-256 of "<t>.<body>" as documented', () => {
    const mac = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signature(secret, 1700000000, body)).toBe(`t=1700000000,v1=${mac}`);
  });

  it('verifies, and refuses another body, another secret, an old timestamp or garbage', () => {
    const header = signature(secret, 1700000000, body);
    expect(verifySignature(secret, header, body, 1700000010)).toBe(true);
    expect(verifySignature(secret, header, body + ' ', 1700000010)).toBe(false);
    expect(verifySignature('other', header, body, 1700000010)).toBe(false);
    expect(verifySignature(secret, header, body, 1700000000 + 301)).toBe(false);
    expect(verifySignature(secret, 't=x,v1=zz', body, 1700000000)).toBe(false);
  });
});
