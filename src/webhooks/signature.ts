import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header every delivery carries (docs: README, "Verifying a delivery"). */
export const SIGNATURE_HEADER = 'X-Flotilla-Signature';
/** The execution a delivery belongs to (the same on every attempt of it: a receiver may drop repeats). */
export const DELIVERY_HEADER = 'X-Flotilla-Delivery';

/** `t=<unix seconds>,v1=<hex HMAC-SHA-256 of "<t>.<raw body>">` under the webhook's secret. */
export function signature(secret: string, unixSeconds: number, rawBody: string): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * What a receiver does (and our tests do): recompute the MAC over the timestamp and the raw body, compare in
 * constant time, and refuse timestamps older than the tolerance (a replayed delivery).
 */
export function verifySignature(
  secret: string,
  header: string,
  rawBody: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = new Map(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds || !/^[0-9a-f]{64}$/.test(given)) return false;
  const expected = signature(secret, t, rawBody).split('v1=')[1];
  return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex'));
}
