import type { FastifyReply } from 'fastify';

/**
 * The Panel's Content-Security-Policy: scripts, styles and connections from this origin only (Vite emits no inline
 * script; the QR code is drawn to a canvas by the bundled `qrcode`), images also from data:/blob: URLs (previews
 * of files picked for upload), and no framing.
 */
export const PANEL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers of every Panel page (index.html and its SPA routes). */
export function panelSecurityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', PANEL_CSP)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .header('cross-origin-opener-policy', 'same-origin');
}
