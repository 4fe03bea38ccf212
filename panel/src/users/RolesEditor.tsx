import { useState } from 'react';
import { errorMessage, fieldErrorsOf } from '../api/errors.js';
import { CAPABILITIES, usersApi, type Capability, type Role, type Rule } from './users-api.js';

const GRANTS = [
  ['canRead', 'Read'],
  ['canCreate', 'Create'],
  ['canUpdate', 'Update'],
  ['canDelete', 'Delete'],
  ['canPreview', 'Preview'],
  ['canPublish', 'Publish'],
] as const;

type Draft = { id?: string; name: string; rules: Rule[]; capabilities: Capability[] };
const empty = (): Draft => ({ name: '', rules: [], capabilities: [] });

/** The roles: predefined ones described, custom ones edited (per-type rules as for keys, and capabilities). */
export function RolesEditor({
  roles,
  types,
  onChanged,
}: {
  roles: Role[];
  types: { name: string; label: string }[];
  onChanged(): void;
}) {
  const [draft, setDraft] = useState<Draft | undefined>();
  const [message, setMessage] = useState('');
  const save = async () => {
    if (!draft) return;
    setMessage('');
    try {
      const body = { name: draft.name, rules: draft.rules, capabilities: draft.capabilities };
      if (draft.id) await usersApi.updateRole(draft.id, body);
      else await usersApi.createRole(body);
      setDraft(undefined);
      onChanged();
    } catch (err) {
      const fields = fieldErrorsOf(err);
      setMessage(fields ? Object.values(fields).flat().join(' ') : errorMessage(err));
    }
  };
  const remove = async (r: Role) => {
    setMessage('');
    try {
      await usersApi.removeRole(r.id);
      onChanged();
    } catch (err) {
      const fields = fieldErrorsOf(err);
      setMessage(fields ? Object.values(fields).flat().join(' ') : errorMessage(err));
    }
  };
  const rule = (name: string) => draft?.rules.find((r) => r.ctdName === name);
  const setGrant = (name: string, grant: (typeof GRANTS)[number][0], on: boolean) => {
    if (!draft) return;
    const base: Rule = rule(name) ?? { ctdName: name, canRead: false, canCreate: false, canUpdate: false, canDelete: false };
    const next = { ...base, [grant]: on };
    const any = GRANTS.some(([g]) => next[g] === true);
    setDraft({ ...draft, rules: [...draft.rules.filter((r) => r.ctdName !== name), ...(any ? [next] : [])] });
  };
  return (
    <section className="card" aria-labelledby="roles-head">
      <h2 id="roles-head">Roles</h2>
      {message && (
        <p className="form-error" role="alert">
          {message}
        </p>
      )}
      <ul className="role-list">
        {roles.map((r) => (
          <li key={r.id}>
            <strong>{r.name}</strong>{' '}
            <span className="muted">
              {r.everyType
                ? `every content type: ${GRANTS.filter(([g]) => r.everyType!.grants[g])
                    .map(([, l]) => l.toLowerCase())
                    .join(', ')}`
                : `${r.rules.length} content type rule(s)`}
              {r.capabilities.length > 0 &&
                ` · ${r.capabilities.map((c) => CAPABILITIES.find((x) => x.id === c)?.label ?? c).join(', ')}`}
            </span>
            {!r.predefined && (
              <>
                {' '}
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => setDraft({ id: r.id, name: r.name, rules: r.rules, capabilities: r.capabilities })}
                >
                  Edit
                </button>
                <button type="button" className="btn btn-small btn-danger" onClick={() => void remove(r)}>
                  Remove
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {!draft ? (
        <button type="button" className="btn" onClick={() => setDraft(empty())}>
          New role
        </button>
      ) : (
        <div className="role-editor">
          <label>
            Name <input value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
          </label>
          <fieldset>
            <legend>Capabilities</legend>
            {CAPABILITIES.map((c) => (
              <label key={c.id}>
                <input
                  type="checkbox"
                  checked={draft.capabilities.includes(c.id)}
                  onChange={(e) =>
                    setDraft({
                      ...draft,
                      capabilities: e.target.checked
                        ? [...draft.capabilities, c.id]
                        : draft.capabilities.filter((x) => x !== c.id),
                    })
                  }
                />{' '}
                {c.label}
              </label>
            ))}
          </fieldset>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Content type</th>
                {GRANTS.map(([g, l]) => (
                  <th key={g} scope="col">
                    {l}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {types.map((t) => (
                <tr key={t.name}>
                  <td>{t.label || t.name}</td>
                  {GRANTS.map(([g, l]) => (
                    <td key={g}>
                      <input
                        type="checkbox"
                        aria-label={`${l} ${t.name}`}
                        checked={rule(t.name)?.[g] === true}
                        onChange={(e) => setGrant(t.name, g, e.target.checked)}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" className="btn btn-primary" onClick={() => void save()} disabled={!draft.name.trim()}>
            Save role
          </button>{' '}
          <button type="button" className="btn" onClick={() => setDraft(undefined)}>
            Cancel
          </button>
        </div>
      )}
    </section>
  );
}
