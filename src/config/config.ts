import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/** The MIME types uploads may have by default: Flotiq's documented list (OAS example of POST /api/media). */
export const DEFAULT_MIME_TYPES: readonly string[] = [
  'image/gif',
  'image/png',
  'image/jpeg',
  'image/bmp',
  'image/webp',
  'image/svg+xml',
  'image/svg',
  'image/x-icon',
  'image/vnd.microsoft.icon',
  'text/plain',
  'audio/midi',
  'audio/mpeg',
  'audio/webm',
  'audio/ogg',
  'audio/wav',
  'video/webm',
  'video/ogg',
  'video/mp4',
  'application/pdf',
  'application/json',
];

/** Every setting Flotilla reads, parsed once from the environment and frozen. README documents each one. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** `postgres://…` selects PostgreSQL; absent means SQLite under dataDir. */
  readonly databaseUrl: string | undefined;
  /** Master secret for key HMAC and encryption; generated into dataDir when absent. */
  readonly secret: string | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly adminEmail: string | undefined;
  readonly adminPassword: string | undefined;
  readonly publicUrl: string | undefined;
  /** Invitations sent by e-mail (FLOTILLA_SMTP_URL, FLOTILLA_SMTP_FROM); undefined: the link is only shown in the Panel. */
  readonly smtp: { readonly url: string; readonly from: string } | undefined;
  readonly maxObjectBytes: number;
  readonly batchLimit: number;
  /** Failed API-key authentications per client IP per minute before 429. */
  readonly authFailuresPerMinute: number;
  /** Panel sign-in attempts per client IP per minute, and failed attempts per account per 15 minutes. */
  readonly loginAttemptsPerMinute: number;
  readonly loginFailuresPerAccount: number;
  /** Memory for finished list pages on SQLite (0 turns the page cache off). */
  readonly pageCacheBytes: number;
  /** Related objects one list, get or search may inline through hydration (docs/decisions/0010-read-budgets.md). */
  readonly hydrateMaxObjects: number;
  /** Bytes of JSON one list, get or search answer may carry. */
  readonly responseMaxBytes: number;
  /** Root of the disk file store for media (originals and generated sizes); with the S3 store, unused by the server. */
  readonly mediaDir: string;
  /** Where media bytes live: `disk` (mediaDir) or `s3` (an S3-compatible bucket shared by every node). */
  readonly mediaStore: 'disk' | 's3';
  /** The bucket and how to reach it; set exactly when mediaStore is `s3`. */
  readonly s3: S3Config | undefined;
  readonly mediaMaxBytes: number;
  readonly mediaMimeTypes: readonly string[];
  /** Largest W or H an `/image/{W}x{H}/...` URL may ask for. */
  readonly mediaMaxDimension: number;
  /** Generated sizes kept on disk per media object; more are rendered but not kept. */
  readonly mediaMaxRenditions: number;
  /**
   * Proxies whose `X-Forwarded-For` is believed (addresses, CIDR ranges or `loopback`/`linklocal`/`uniquelocal`);
   * empty: the client address is the socket's.
   */
  readonly trustProxy: readonly string[];
  /** Webhook delivery: attempts per delivery, timeout of one attempt (async; sync hooks at most 5 s), retry base. */
  readonly webhookAttempts: number;
  readonly webhookTimeoutMs: number;
  readonly webhookRetryBaseMs: number;
  /** CIDR ranges webhooks may always reach, and ranges they may never reach (besides link-local and metadata). */
  readonly webhookAllow: readonly string[];
  readonly webhookDeny: readonly string[];
  /** The read-only key may preview drafts (`X-MODE: preview`): for sites that keep it on the server. */
  readonly readOnlyPreview: boolean;
  /** Rich text is sanitised on every write (FLOTILLA_SANITIZE_RICHTEXT=0 turns it off). */
  readonly sanitizeRichtext: boolean;
  /** Origins whose pages may call API-key routes from a browser: `*` (any) or exact origins. */
  readonly corsOrigins: '*' | readonly string[];
  /** Days a soft-deleted object is kept before the retention sweep purges it. */
  readonly deletedRetentionDays: number;
  /**
   * `/metrics` (Prometheus): off answers 404; on requires the bearer token and/or a client address in the networks
   * (both when both are set). Decision 0023.
   */
  readonly metrics: { readonly enabled: boolean; readonly token: string | undefined; readonly allow: readonly string[] };
  /** On SIGTERM/SIGINT: how long requests in flight may take to finish before their connections are cut. */
  readonly shutdownTimeoutMs: number;
}

/** FLOTILLA_S3_*: where the S3 media store keeps its objects. */
export interface S3Config {
  readonly bucket: string;
  /** Unset: AWS itself; set for any S3-compatible server. */
  readonly endpoint: string | undefined;
  readonly region: string;
  /** Both or neither; neither lets the AWS SDK find credentials itself (AWS_* variables, roles). */
  readonly accessKeyId: string | undefined;
  readonly secretAccessKey: string | undefined;
  readonly forcePathStyle: boolean;
  /** '' or `segment/…/`: where in the bucket the media keys start. */
  readonly prefix: string;
}

/** A comma-separated list of addresses or CIDR ranges. */
const cidrList = z
  .string()
  .refine(
    (v) =>
      v
        .split(',')
        .every((entry) => !['loopback', 'linklocal', 'uniquelocal'].includes(entry.trim()) && isProxyEntry(entry.trim())),
    'must be a comma-separated list of IP addresses or CIDR ranges (10.0.0.0/8, fd00::/8)',
  );

/** `*`, or a comma-separated list of exact origins (`scheme://host[:port]`, no path, no wildcard). */
const corsOrigins = z
  .string()
  .refine(
    (v) => v.trim() === '*' || v.split(',').every((entry) => isOrigin(entry.trim())),
    'must be * or a comma-separated list of origins such as https://site.example,http://localhost:3001',
  );

function isOrigin(entry: string): boolean {
  try {
    const u = new URL(entry);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === entry && !entry.includes('*');
  } catch {
    return false;
  }
}

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  FLOTILLA_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// (leave it unset for SQLite)')
    .optional(),
  FLOTILLA_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  FLOTILLA_ADMIN_EMAIL: z.string().email().optional(),
  FLOTILLA_ADMIN_PASSWORD: z.string().min(8).optional(),
  FLOTILLA_PUBLIC_URL: z.string().url().optional(),
  FLOTILLA_SMTP_URL: z
    .string()
    .url()
    .refine((v) => /^smtps?:\/\//i.test(v), 'must be an smtp:// or smtps:// URL')
    .optional(),
  FLOTILLA_SMTP_FROM: z.string().min(3).max(320).optional(),
  FLOTILLA_MAX_OBJECT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  FLOTILLA_BATCH_LIMIT: z.coerce.number().int().positive().max(10_000).default(100),
  FLOTILLA_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().positive().default(60),
  FLOTILLA_LOGIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().positive().default(10),
  FLOTILLA_LOGIN_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(5),
  FLOTILLA_PAGE_CACHE_MB: z.coerce.number().min(0).max(4096).default(64),
  FLOTILLA_HYDRATE_MAX_OBJECTS: z.coerce.number().int().min(1).max(10_000_000).default(10_000),
  FLOTILLA_RESPONSE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .max(1024 * 1024 * 1024)
    .default(4 * 1024 * 1024),
  FLOTILLA_MEDIA_DIR: z.string().optional(),
  FLOTILLA_MEDIA_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  FLOTILLA_MEDIA_MIME_TYPES: z
    .string()
    .regex(/^\s*[\w.+-]+\/[\w.+-]+\s*(,\s*[\w.+-]+\/[\w.+-]+\s*)*$/, 'must be a comma-separated list of MIME types')
    .optional(),
  FLOTILLA_MEDIA_MAX_DIMENSION: z.coerce.number().int().positive().max(100_000).default(5000),
  FLOTILLA_MEDIA_MAX_RENDITIONS: z.coerce.number().int().min(0).default(50),
  FLOTILLA_MEDIA_STORE: z.enum(['disk', 's3']).default('disk'),
  // S3 bucket names: 3–63 lower-case letters, digits, dots and hyphens
  FLOTILLA_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3–63 of a-z, 0-9, ., -)')
    .optional(),
  FLOTILLA_S3_ENDPOINT: z
    .string()
    .url()
    .regex(/^https?:\/\//, 'must be an http:// or https:// URL')
    .optional(),
  FLOTILLA_S3_REGION: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, 'must be a region name such as us-east-1')
    .default('us-east-1'),
  FLOTILLA_S3_ACCESS_KEY_ID: z.string().optional(),
  FLOTILLA_S3_SECRET_ACCESS_KEY: z.string().optional(),
  FLOTILLA_S3_FORCE_PATH_STYLE: z.enum(['true', 'false', '1', '0']).default('false'),
  // segments of the media keys' own alphabet (no `.` or `..` segment, no empty one), so the prefix is a plain folder
  FLOTILLA_S3_PREFIX: z
    .string()
    .regex(
      /^([A-Za-z0-9_~][A-Za-z0-9._~-]{0,254}\/)*[A-Za-z0-9_~][A-Za-z0-9._~-]{0,254}\/?$/,
      'must be folder names separated by / (letters, digits, . _ ~ -; no leading dot)',
    )
    .optional(),
  FLOTILLA_WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
  FLOTILLA_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  FLOTILLA_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(1000),
  FLOTILLA_WEBHOOK_ALLOW: cidrList.optional(),
  FLOTILLA_WEBHOOK_DENY: cidrList.optional(),
  FLOTILLA_CORS_ORIGINS: corsOrigins.default('*'),
  FLOTILLA_DELETED_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(60),
  FLOTILLA_READONLY_PREVIEW: z.enum(['true', 'false', '1', '0']).default('false'),
  FLOTILLA_SANITIZE_RICHTEXT: z.enum(['true', 'false', '1', '0']).default('1'),
  FLOTILLA_METRICS: z.enum(['on', 'off', 'true', 'false', '1', '0']).default('off'),
  FLOTILLA_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  FLOTILLA_METRICS_ALLOW: cidrList.optional(),
  FLOTILLA_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  FLOTILLA_TRUST_PROXY: z
    .string()
    .refine(
      (v) => v.split(',').every((entry) => isProxyEntry(entry.trim())),
      'must be a comma-separated list of IP addresses, CIDR ranges (10.0.0.0/8, fd00::/8) or loopback, linklocal, uniquelocal',
    )
    .optional(),
});

/** A switch setting: on, true or 1. */
const isOn = (v: string) => v === 'on' || v === 'true' || v === '1';

/** Settings that only make sense together. */
const checked = schema.superRefine((e, ctx) => {
  if (isOn(e.FLOTILLA_METRICS) && e.FLOTILLA_METRICS_TOKEN === undefined && e.FLOTILLA_METRICS_ALLOW === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['FLOTILLA_METRICS'],
      message: 'on needs FLOTILLA_METRICS_TOKEN and/or FLOTILLA_METRICS_ALLOW (0.0.0.0/0,::/0 to let anyone scrape)',
    });
  if (e.FLOTILLA_SMTP_URL !== undefined && e.FLOTILLA_SMTP_FROM === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['FLOTILLA_SMTP_FROM'],
      message: 'is required with FLOTILLA_SMTP_URL (the sender address)',
    });
  if (e.FLOTILLA_MEDIA_STORE === 's3' && !e.FLOTILLA_S3_BUCKET)
    ctx.addIssue({ code: 'custom', path: ['FLOTILLA_S3_BUCKET'], message: 'is required when FLOTILLA_MEDIA_STORE=s3' });
  if ((e.FLOTILLA_S3_ACCESS_KEY_ID === undefined) !== (e.FLOTILLA_S3_SECRET_ACCESS_KEY === undefined))
    ctx.addIssue({
      code: 'custom',
      path: ['FLOTILLA_S3_ACCESS_KEY_ID'],
      message: 'and FLOTILLA_S3_SECRET_ACCESS_KEY go together (set both, or neither for the AWS SDK default credentials)',
    });
});

/** One entry of FLOTILLA_TRUST_PROXY: an address, a CIDR range, or one of the named ranges Fastify knows. */
function isProxyEntry(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n >= 0 && n <= (family === 4 ? 32 : 128);
}

/** `NAME_FILE=/path` reads the secret NAME from a file (Docker/Kubernetes secrets). */
function withFileSecrets(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  const secrets = [
    'DATABASE_URL',
    'FLOTILLA_SECRET',
    'FLOTILLA_ADMIN_PASSWORD',
    'FLOTILLA_METRICS_TOKEN',
    'FLOTILLA_S3_SECRET_ACCESS_KEY',
    'FLOTILLA_SMTP_URL',
  ];
  for (const name of secrets) {
    const file = env[`${name}_FILE`];
    if (file && !env[name]) out[name] = readFileSync(file, 'utf8').trim();
  }
  for (const [k, v] of Object.entries(out)) if (v === '') out[k] = undefined;
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = checked.safeParse(withFileSecrets(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.FLOTILLA_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    secret: e.FLOTILLA_SECRET,
    logLevel: e.LOG_LEVEL,
    adminEmail: e.FLOTILLA_ADMIN_EMAIL,
    adminPassword: e.FLOTILLA_ADMIN_PASSWORD,
    publicUrl: e.FLOTILLA_PUBLIC_URL,
    smtp: e.FLOTILLA_SMTP_URL ? Object.freeze({ url: e.FLOTILLA_SMTP_URL, from: e.FLOTILLA_SMTP_FROM! }) : undefined,
    maxObjectBytes: e.FLOTILLA_MAX_OBJECT_BYTES,
    batchLimit: e.FLOTILLA_BATCH_LIMIT,
    authFailuresPerMinute: e.FLOTILLA_AUTH_FAILURES_PER_MINUTE,
    loginAttemptsPerMinute: e.FLOTILLA_LOGIN_ATTEMPTS_PER_MINUTE,
    loginFailuresPerAccount: e.FLOTILLA_LOGIN_FAILURES_PER_ACCOUNT,
    pageCacheBytes: Math.round(e.FLOTILLA_PAGE_CACHE_MB * 1024 * 1024),
    hydrateMaxObjects: e.FLOTILLA_HYDRATE_MAX_OBJECTS,
    responseMaxBytes: e.FLOTILLA_RESPONSE_MAX_BYTES,
    mediaDir: path.resolve(e.FLOTILLA_MEDIA_DIR ?? path.join(e.FLOTILLA_DATA_DIR, 'media')),
    mediaMaxBytes: e.FLOTILLA_MEDIA_MAX_BYTES,
    mediaMimeTypes: Object.freeze(
      e.FLOTILLA_MEDIA_MIME_TYPES?.split(',').map((m) => m.trim().toLowerCase()) ?? DEFAULT_MIME_TYPES,
    ),
    mediaMaxDimension: e.FLOTILLA_MEDIA_MAX_DIMENSION,
    mediaMaxRenditions: e.FLOTILLA_MEDIA_MAX_RENDITIONS,
    mediaStore: e.FLOTILLA_MEDIA_STORE,
    s3:
      e.FLOTILLA_MEDIA_STORE === 's3'
        ? Object.freeze({
            bucket: e.FLOTILLA_S3_BUCKET!,
            endpoint: e.FLOTILLA_S3_ENDPOINT,
            region: e.FLOTILLA_S3_REGION,
            accessKeyId: e.FLOTILLA_S3_ACCESS_KEY_ID,
            secretAccessKey: e.FLOTILLA_S3_SECRET_ACCESS_KEY,
            forcePathStyle: e.FLOTILLA_S3_FORCE_PATH_STYLE === 'true' || e.FLOTILLA_S3_FORCE_PATH_STYLE === '1',
            prefix: e.FLOTILLA_S3_PREFIX === undefined ? '' : e.FLOTILLA_S3_PREFIX.replace(/\/?$/, '/'),
          })
        : undefined,
    webhookAttempts: e.FLOTILLA_WEBHOOK_ATTEMPTS,
    webhookTimeoutMs: e.FLOTILLA_WEBHOOK_TIMEOUT_MS,
    webhookRetryBaseMs: e.FLOTILLA_WEBHOOK_RETRY_BASE_MS,
    webhookAllow: Object.freeze(e.FLOTILLA_WEBHOOK_ALLOW?.split(',').map((v) => v.trim()) ?? []),
    webhookDeny: Object.freeze(e.FLOTILLA_WEBHOOK_DENY?.split(',').map((v) => v.trim()) ?? []),
    readOnlyPreview: e.FLOTILLA_READONLY_PREVIEW === 'true' || e.FLOTILLA_READONLY_PREVIEW === '1',
    sanitizeRichtext: e.FLOTILLA_SANITIZE_RICHTEXT === 'true' || e.FLOTILLA_SANITIZE_RICHTEXT === '1',
    corsOrigins:
      e.FLOTILLA_CORS_ORIGINS.trim() === '*' ? '*' : Object.freeze(e.FLOTILLA_CORS_ORIGINS.split(',').map((v) => v.trim())),
    deletedRetentionDays: e.FLOTILLA_DELETED_RETENTION_DAYS,
    metrics: Object.freeze({
      enabled: isOn(e.FLOTILLA_METRICS),
      token: e.FLOTILLA_METRICS_TOKEN,
      allow: Object.freeze(e.FLOTILLA_METRICS_ALLOW?.split(',').map((v) => v.trim()) ?? []),
    }),
    shutdownTimeoutMs: e.FLOTILLA_SHUTDOWN_TIMEOUT_MS,
    trustProxy: Object.freeze(e.FLOTILLA_TRUST_PROXY?.split(',').map((v) => v.trim()) ?? []),
  });
}
