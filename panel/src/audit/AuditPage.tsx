import { useState, type FormEvent } from 'react';
import { errorMessage, fieldErrorsOf } from '../api/errors.js';
import { usePageTitle } from '../app/page-title.js';
import { useLoad } from '../app/use-load.js';
import { Field } from '../ui/Field.js';
import { formatDate } from '../ui/format.js';
import { EmptyState, ErrorState, Loading } from '../ui/States.js';
import { auditApi, AUDIT_KINDS, type AuditFilters, type AuditRecord } from './audit-api.js';
import '../styles/audit.css';

const PAGE = 50;

/** What an action says, in words (the action itself for one this Panel does not know). */
const WORDS: Record<string, string> = {
  'key.created': 'created the key',
  'key.updated': 'changed the name or limits of the key',
  'key.rules-changed': 'changed the rules of the key',
  'key.regenerated': 'regenerated the key',
  'key.grace-ended': 'ended the grace window of the key',
  'keys.regenerated-all': 'regenerated all keys',
  'key.removed': 'removed the key',
  'key.revealed': 'revealed the key',
  'key.copied': 'copied the key',
  'key.qr-shown': 'showed the QR code of the key',
  'webhook.secret-revealed': 'revealed a webhook secret',
  'webhook.secret-rotated': 'replaced a webhook secret',
  'user.created': 'created the user',
  'user.updated': 'changed the role or status of',
  'user.removed': 'removed the user',
  'user.password-changed': 'changed the password of',
  'user.password-reset': 'reset the password of',
  'user.invited': 'invited a user',
  'user.joined': 'joined as',
  'role.created': 'created a role',
  'role.updated': 'changed a role',
  'role.removed': 'removed a role',
  'session.started': 'signed in as',
  'session.refused': 'failed to sign in',
  'session.ended': 'ended a session of',
  'sessions.ended': 'ended every session of',
  'object.restored': 'restored an earlier version of an object',
};

/** The few details worth a glance (the role, the address invited or typed, where from). */
function summary(e: AuditRecord): string {
  const d = e.detail;
  const parts: string[] = [];
  const role = (v: unknown) =>
    v && typeof v === 'object' && 'roleId' in v ? String((v as { roleId: unknown }).roleId) : undefined;
  if (typeof d.email === 'string') parts.push(d.email);
  if (typeof d.roleId === 'string') parts.push(`role ${d.roleId}`);
  const before = role(d.before);
  const after = role(d.after);
  if (before !== undefined && after !== undefined && before !== after) parts.push(`role ${before} → ${after}`);
  if (d.after && typeof d.after === 'object' && 'disabled' in d.after) {
    const was = (d.before as { disabled?: unknown } | undefined)?.disabled;
    const now = (d.after as { disabled?: unknown }).disabled;
    if (was !== now) parts.push(now ? 'disabled' : 'enabled');
  }
  const named = (v: unknown) => (v && typeof v === 'object' && 'name' in v ? String((v as { name: unknown }).name) : undefined);
  const roleName = named(d.role) ?? named(d.after);
  if (e.action.startsWith('role.') && roleName) parts.push(roleName);
  if (e.action === 'object.restored') parts.push(`${String(d.type)}/${String(d.id)}: version ${String(d.restored)}`);
  if (typeof d.via === 'string') parts.push(`via ${d.via}`);
  if (typeof d.ip === 'string') parts.push(`from ${d.ip}`);
  return parts.join(' · ');
}

/** A datetime-local value (the browser's time zone) as an ISO date-time, or undefined when empty. */
const isoOf = (local: string) => (local ? new Date(local).toISOString() : undefined);

/** The audit trail: who did what to which key, user, role, webhook or session, with filters, a page at a time. */
export function AuditPage() {
  usePageTitle('Audit trail');
  const [form, setForm] = useState({ actor: '', kind: '', from: '', to: '' });
  const [filters, setFilters] = useState<AuditFilters>({});
  const [more, setMore] = useState<{ entries: AuditRecord[]; done: boolean; error?: string }>({ entries: [], done: false });
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const first = useLoad(async () => {
    setMore({ entries: [], done: false });
    try {
      const page = await auditApi.list(filters, PAGE);
      setFieldErrors({});
      return page;
    } catch (e) {
      const fields = fieldErrorsOf(e);
      if (fields) setFieldErrors(fields);
      throw e;
    }
  }, JSON.stringify(filters));

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilters({ actor: form.actor, kind: form.kind, from: isoOf(form.from), to: isoOf(form.to) });
  };
  const reset = () => {
    setForm({ actor: '', kind: '', from: '', to: '' });
    setFilters({});
  };
  const entries = [...(first.data ?? []), ...more.entries];
  const done = (first.data?.length ?? 0) < PAGE || more.done;
  const older = async () => {
    try {
      const page = await auditApi.list(filters, PAGE, entries[entries.length - 1]?.id);
      setMore((m) => ({ entries: [...m.entries, ...page], done: page.length < PAGE }));
    } catch (e) {
      setMore((m) => ({ ...m, error: errorMessage(e) }));
    }
  };

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>Audit trail</h1>
          <p className="muted">Who did what to which key, user, role, webhook or session, newest first.</p>
        </div>
      </header>
      <form className="card inline-form audit-filters" aria-label="Filters" onSubmit={apply} noValidate>
        <Field label="Who" errors={fieldErrors.actor}>
          {({ id, describedBy }) => (
            <input
              id={id}
              type="text"
              placeholder="E-mail, system or anonymous"
              value={form.actor}
              aria-describedby={describedBy}
              onChange={(e) => setForm({ ...form, actor: e.target.value })}
            />
          )}
        </Field>
        <Field label="Events" errors={fieldErrors.kind}>
          {({ id }) => (
            <select id={id} value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}>
              <option value="">All events</option>
              {AUDIT_KINDS.map((k) => (
                <option key={k.id} value={k.id}>
                  {k.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="From" errors={fieldErrors.from}>
          {({ id }) => (
            <input id={id} type="datetime-local" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} />
          )}
        </Field>
        <Field label="Until" errors={fieldErrors.to}>
          {({ id }) => (
            <input id={id} type="datetime-local" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />
          )}
        </Field>
        <div className="audit-filter-actions">
          <button type="submit" className="btn btn-primary">
            Apply filters
          </button>
          <button type="button" className="btn" onClick={reset}>
            Clear
          </button>
        </div>
      </form>
      {first.error && Object.keys(fieldErrors).length === 0 ? (
        <ErrorState error={first.error} onRetry={first.reload} />
      ) : !first.data ? (
        first.error ? null : (
          <Loading label="Loading the audit trail…" />
        )
      ) : entries.length === 0 ? (
        <EmptyState title="No entries match" />
      ) : (
        <>
          <div className="table-wrap" aria-busy={first.loading}>
            <table className="table" aria-label="Audit entries">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">What</th>
                  <th scope="col" className="hide-narrow">
                    Details
                  </th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.id}>
                    <td>
                      <time dateTime={e.at}>{formatDate(e.at)}</time>
                    </td>
                    <td>{e.actor}</td>
                    <td>
                      {WORDS[e.action] ?? e.action} {e.keyName && <strong>{e.keyName}</strong>}{' '}
                      <code className="muted">{e.action}</code>
                    </td>
                    <td className="muted hide-narrow">{summary(e)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {more.error && (
            <p className="form-error" role="alert">
              {more.error}
            </p>
          )}
          {!done && (
            <p>
              <button type="button" className="btn" onClick={() => void older()}>
                Older entries
              </button>
            </p>
          )}
        </>
      )}
    </div>
  );
}
