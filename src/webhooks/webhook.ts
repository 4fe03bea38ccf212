/** A `_webhooks` object as the delivery code needs it (Flotiq's fields, read defensively). */
export interface Webhook {
  id: string;
  name: string;
  type: 'async' | 'sync' | 'ctd';
  url: string;
  enabled: boolean;
  /** Empty: every type. */
  types: string[];
  actions: WebhookAction[];
  headers: { name: string; value: string }[];
  /** Who saved it last (`key:<id>`, `user:<id>`, `system`): deliveries check that this principal may still read. */
  savedBy: string;
  /** When it was created: it hears of changes made from then on, not of older ones still queued (decision 0012). */
  createdMs: number;
}

export type WebhookAction = 'Create' | 'Update' | 'Delete' | 'Custom' | 'WorkflowTransition';

const ACTIONS = new Set<WebhookAction>(['Create', 'Update', 'Delete', 'Custom', 'WorkflowTransition']);

const list = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object') : [];

/** Reads the stored data of a `_webhooks` object. */
export function webhookOf(id: string, data: Record<string, unknown>, savedBy: string, createdMs = 0): Webhook {
  const type = data.type === 'sync' || data.type === 'ctd' ? data.type : 'async';
  return {
    id,
    name: typeof data.name === 'string' ? data.name : id,
    type,
    url: typeof data.url === 'string' ? data.url : '',
    enabled: data.enabled === true,
    types: list(data.content_type_definitions)
      .map((d) => d.content_type_definition_name)
      .filter((n): n is string => typeof n === 'string' && n !== ''),
    actions: list(data.actions)
      .map((a) => a.action)
      .filter((a): a is WebhookAction => typeof a === 'string' && ACTIONS.has(a as WebhookAction)),
    headers: list(data.headers)
      .filter((h) => typeof h.header_name === 'string' && h.header_name !== '')
      .map((h) => ({ name: String(h.header_name), value: typeof h.header_value === 'string' ? h.header_value : '' })),
    savedBy,
    createdMs,
  };
}

/** Does the webhook cover this content type? */
export function covers(w: Webhook, contentType: string): boolean {
  return w.types.length === 0 || w.types.includes(contentType);
}

/** Header values that look like credentials are shown masked in the Panel and the log. */
export function maskHeaderValue(name: string, value: string): string {
  const secretName = /auth|token|secret|key|signature|password|cookie|session/i.test(name);
  const secretValue = value.length >= 16 && /^[A-Za-z0-9_\-.+/=:]+$/.test(value) && /\d/.test(value) && /[A-Za-z]/.test(value);
  if (!secretName && !secretValue) return value;
  return value.length <= 4 ? '••••' : `${value.slice(0, 2)}••••${value.slice(-2)}`;
}
