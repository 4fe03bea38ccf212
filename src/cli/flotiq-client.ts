import { CliError } from './cli-error.js';

/** The internal types an export carries besides the user's (as flotiq-cli does). */
export const EXPORTED_INTERNAL_TYPES = ['_media', '_tag', '_webhooks', '_plugin_settings'];

export interface ContentTypeJson {
  name: string;
  label?: string;
  internal?: boolean;
  draftPublic?: boolean;
  featuredImage?: unknown[];
  [key: string]: unknown;
}

export type ObjectJson = { id: string; internal?: Record<string, unknown> } & Record<string, unknown>;

interface ListPage<T> {
  data: T[];
}

/** A Flotiq-API client over fetch: the key in X-AUTH-TOKEN, preview mode, 429s waited out, failures as CliErrors. */
export class FlotiqClient {
  readonly origin: string;

  constructor(
    url: string,
    private readonly key: string,
  ) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new CliError(`--url: not a URL: ${url}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new CliError(`--url: must be http(s): ${url}`);
    // accept the server's root or its /api/v1 (FLOTIQ_API_URL style); requests carry their own paths
    this.origin = `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/(api\/v1\/?)?$/, '')}`;
  }

  /** One request; a 429 is retried after Retry-After (at most 60 times); anything else comes back as it is. */
  async send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(this.origin + path, {
          method,
          headers: {
            'x-auth-token': this.key,
            'x-mode': 'preview',
            ...(body !== undefined && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
            ...headers,
          },
          body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
        });
      } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        throw new CliError(`${method} ${this.origin}${path}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
      }
      if (res.status !== 429 || attempt >= 60) return res;
      await res.arrayBuffer();
      const wait = Number(res.headers.get('retry-after'));
      await new Promise((r) => setTimeout(r, Number.isFinite(wait) && wait > 0 ? Math.min(wait, 60) * 1000 : 1000));
    }
  }

  /** A request that must succeed with JSON (or an empty body); anything else is a CliError quoting the answer. */
  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, body);
    const text = await res.text();
    if (!res.ok) throw new CliError(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** Every CTD an export carries: the user's types and the internal ones flotiq-cli exports. */
  async contentTypes(): Promise<ContentTypeJson[]> {
    const user = await this.allPages<ContentTypeJson>('/api/v1/internal/contenttype?internal=0');
    const internal = await this.allPages<ContentTypeJson>('/api/v1/internal/contenttype?internal=1');
    const kept = internal.filter((t) => EXPORTED_INTERNAL_TYPES.includes(t.name));
    return [...user.filter((t) => !t.internal), ...kept];
  }

  /** The CTD, or undefined when the server answers 404. */
  async contentType(name: string): Promise<ContentTypeJson | undefined> {
    const res = await this.send('GET', `/api/v1/internal/contenttype/${encodeURIComponent(name)}`);
    if (res.status === 404) {
      await res.arrayBuffer();
      return undefined;
    }
    const text = await res.text();
    if (!res.ok) throw new CliError(`GET content type ${name}: ${res.status} ${text.slice(0, 500)}`);
    return JSON.parse(text) as ContentTypeJson;
  }

  /** Pages of objects of a type, 1000 at a time, oldest first, until a page comes back empty. */
  async *objectPages(type: string): AsyncGenerator<ObjectJson[]> {
    for (let page = 1; ; page++) {
      const q = `page=${page}&limit=1000&order_by=internal.createdAt&order_direction=asc`;
      const { data } = await this.json<ListPage<ObjectJson>>('GET', `/api/v1/content/${encodeURIComponent(type)}?${q}`);
      if (data.length === 0) return;
      yield data;
    }
  }

  async count(type: string): Promise<number> {
    const r = await this.json<{ total_count: number }>('GET', `/api/v1/content/${encodeURIComponent(type)}?limit=1`);
    return r.total_count;
  }

  private async allPages<T>(path: string): Promise<T[]> {
    const out: T[] = [];
    for (let page = 1; ; page++) {
      const { data } = await this.json<ListPage<T>>('GET', `${path}&limit=1000&page=${page}`);
      out.push(...data);
      if (data.length < 1000) return out;
    }
  }
}
