import { useState, type FormEvent } from 'react';
import { contentTypesApi } from '../api/content-types.js';
import { errorMessage, fieldErrorsOf } from '../api/errors.js';
import type { FieldErrors } from '../api/types.js';
import { usePageTitle } from '../app/page-title.js';
import { useLoad } from '../app/use-load.js';
import { useSession } from '../app/session.js';
import { Field } from '../ui/Field.js';
import { ErrorState, Loading } from '../ui/States.js';
import { RolesEditor } from './RolesEditor.js';
import { CAPABILITIES, usersApi, type Role, type TeamUser } from './users-api.js';

const load = async () => {
  const [users, roles, types] = await Promise.all([usersApi.list(), usersApi.roles(), contentTypesApi.list()]);
  return { users, roles, types: types.data.map((t) => ({ name: t.name, label: t.label })) };
};

/** Users (role, disabled, remove, end sessions), invitations and roles; for roles that manage users. */
export function UsersPage() {
  usePageTitle('Users');
  const { data, error, reload } = useLoad(load, 'users');
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>Users</h1>
          <p className="muted">Invite colleagues, give them a role, disable or remove them.</p>
        </div>
      </header>
      {error ? (
        <ErrorState error={error} onRetry={reload} />
      ) : !data ? (
        <Loading label="Loading users…" />
      ) : (
        <>
          <InviteForm roles={data.roles} />
          <UsersTable users={data.users} roles={data.roles} onChanged={reload} />
          <RolesEditor roles={data.roles} types={data.types} onChanged={reload} />
        </>
      )}
    </div>
  );
}

function InviteForm({ roles }: { roles: Role[] }) {
  const [email, setEmail] = useState('');
  const [roleId, setRoleId] = useState('editor');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState('');
  const [link, setLink] = useState<{ url: string; expiresAt: string; sent?: boolean; to: string } | undefined>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setMessage('');
    try {
      setLink({ ...(await usersApi.invite(email, roleId)), to: email });
      setEmail('');
    } catch (err) {
      const fields = fieldErrorsOf(err);
      if (fields) setErrors(fields);
      else setMessage(errorMessage(err));
    }
  };
  return (
    <section className="card" aria-labelledby="invite-head">
      <h2 id="invite-head">Invite a user</h2>
      <form className="inline-form" onSubmit={(e) => void submit(e)} noValidate>
        {message && (
          <p className="form-error" role="alert">
            {message}
          </p>
        )}
        <Field label="E-mail" errors={errors.email} required>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid}
            />
          )}
        </Field>
        <Field label="Role" errors={errors.roleId}>
          {({ id }) => (
            <select id={id} value={roleId} onChange={(e) => setRoleId(e.target.value)}>
              {roles.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" className="btn btn-primary" disabled={!email}>
          Create invitation link
        </button>
      </form>
      {link && (
        <div className="invite-link" role="status">
          <p>
            {link.sent ? `An e-mail with this one-time link was sent to ${link.to}` : 'Send this one-time link to the invitee'}{' '}
            (valid until {new Date(link.expiresAt).toLocaleString()}):
          </p>
          <input readOnly value={link.url} aria-label="Invitation link" onFocus={(e) => e.target.select()} />
          <button type="button" className="btn" onClick={() => void navigator.clipboard?.writeText(link.url)}>
            Copy
          </button>
        </div>
      )}
    </section>
  );
}

function UsersTable({ users, roles, onChanged }: { users: TeamUser[]; roles: Role[]; onChanged(): void }) {
  const { user: me } = useSession();
  const [message, setMessage] = useState('');
  const act = async (f: () => Promise<unknown>) => {
    setMessage('');
    try {
      await f();
      onChanged();
    } catch (err) {
      const fields = fieldErrorsOf(err);
      setMessage(fields ? Object.values(fields).flat().join(' ') : errorMessage(err));
    }
  };
  const roleName = (id: string) => roles.find((r) => r.id === id)?.name ?? id;
  return (
    <section className="card" aria-labelledby="users-head">
      <h2 id="users-head">Team</h2>
      {message && (
        <p className="form-error" role="alert">
          {message}
        </p>
      )}
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">E-mail</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>
                  {u.email}
                  {u.id === me.id && <span className="muted"> (you)</span>}
                </td>
                <td>
                  <select
                    aria-label={`Role of ${u.email}`}
                    value={u.roleId}
                    onChange={(e) => void act(() => usersApi.update(u.id, { roleId: e.target.value }))}
                  >
                    {roles.some((r) => r.id === u.roleId) ? null : <option value={u.roleId}>{roleName(u.roleId)}</option>}
                    {roles.map((r) => (
                      <option key={r.id} value={r.id}>
                        {r.name}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{u.disabled ? 'Disabled' : 'Active'}</td>
                <td className="row-actions">
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => void act(() => usersApi.update(u.id, { disabled: !u.disabled }))}
                  >
                    {u.disabled ? 'Enable' : 'Disable'}
                  </button>
                  <button type="button" className="btn btn-small" onClick={() => void act(() => usersApi.endSessions(u.id))}>
                    End sessions
                  </button>
                  {u.id !== me.id && (
                    <button
                      type="button"
                      className="btn btn-small btn-danger"
                      onClick={() => {
                        if (window.confirm(`Remove ${u.email}?`)) void act(() => usersApi.remove(u.id));
                      }}
                    >
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export const capabilityLabel = (c: string) => CAPABILITIES.find((x) => x.id === c)?.label ?? c;
