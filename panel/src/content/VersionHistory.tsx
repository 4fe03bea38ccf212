import { useState } from 'react';
import { contentApi } from '../api/content.js';
import { errorMessage } from '../api/errors.js';
import { request } from '../api/http.js';
import type { ContentObject, ContentType, ListEnvelope } from '../api/types.js';
import { useNotices } from '../app/notices.js';
import { useSession } from '../app/session.js';
import { may } from '../users/can.js';
import { useLoad } from '../app/use-load.js';
import { ConfirmDialog } from '../ui/ConfirmDialog.js';
import { formatDate } from '../ui/format.js';
import { ErrorState, Loading } from '../ui/States.js';
import { DiffTable } from './DiffTable.js';
import { changedFields } from './object-diff.js';

/** One stored version, as `GET …/{id}/version` lists it. */
interface Version extends ContentObject {
  version: number;
  current: boolean;
  updatedAt: string;
  owner: string | null;
  editor: string | null;
}

const versionsOf = (type: string, id: string) =>
  request<ListEnvelope<Version>>(
    'GET',
    `/v1/content/${encodeURIComponent(type)}/${encodeURIComponent(id)}/version?limit=100&order_direction=desc`,
    undefined,
    { headers: { 'x-mode': 'preview' } },
  );

/**
 * An object's versions (who, when), a field-by-field comparison of any two, and "Restore this version": a new
 * version with the old fields, written by whoever restores it.
 */
export function VersionHistory({
  ct,
  object,
  dirty,
  onRestored,
}: {
  ct: ContentType;
  object: ContentObject;
  dirty: boolean;
  onRestored(): Promise<void>;
}) {
  const { notify } = useNotices();
  // restoring writes the old version again: the update grant on the type
  const writer = may(useSession(), 'canUpdate', ct.name);
  const [open, setOpen] = useState(false);
  const versions = useLoad(
    () => (open ? versionsOf(ct.name, object.id) : Promise.resolve(undefined)),
    `${open}|${object.id}|${object.internal?.latestVersion ?? ''}|${object.internal?.updatedAt ?? ''}`,
  );
  const [left, setLeft] = useState<number>();
  const [right, setRight] = useState<number>();
  const [restoring, setRestoring] = useState<Version>();
  const list = versions.data?.data ?? [];
  const latest = list.find((v) => v.current) ?? list[0];
  const a = list.find((v) => v.version === left) ?? list[1] ?? latest;
  const b = list.find((v) => v.version === right) ?? latest;
  const differences = a && b ? changedFields(ct, a, b) : [];

  const restore = async () => {
    const v = restoring!;
    try {
      const version = await contentApi.restore(ct.name, object.id, v.version);
      notify('success', `Version ${v.version} was restored as version ${version}.`);
      await onRestored();
    } catch (e) {
      notify('error', `The version was not restored: ${errorMessage(e)}`);
      throw e;
    }
  };

  return (
    <section className="card form-card version-history" aria-label="History">
      <div className="version-head">
        <h2 className="card-title">History</h2>
        <button type="button" className="btn btn-small" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          {open ? 'Hide versions' : 'Show versions'}
        </button>
      </div>
      {open &&
        (versions.error ? (
          <ErrorState error={versions.error} onRetry={versions.reload} />
        ) : !versions.data ? (
          <Loading label="Loading the versions…" />
        ) : (
          <>
            <div className="table-wrap">
              <table className="table" aria-label="Versions">
                <thead>
                  <tr>
                    <th scope="col">Version</th>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((v) => (
                    <tr key={v.version}>
                      <th scope="row">
                        {v.version} {v.current && <span className="badge">Current</span>}
                      </th>
                      <td>{formatDate(v.updatedAt)}</td>
                      <td>{v.editor ?? v.owner ?? '—'}</td>
                      <td className="version-actions">
                        {!v.current && writer && (
                          <button
                            type="button"
                            className="btn btn-small"
                            disabled={dirty}
                            title={dirty ? 'Save or discard your changes first' : undefined}
                            onClick={() => setRestoring(v)}
                          >
                            Restore version {v.version}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {list.length > 1 && a && b && (
              <div className="version-compare">
                <div className="toolbar">
                  <VersionSelect label="Compare" name="Older version" list={list} value={a.version} onChange={setLeft} />
                  <VersionSelect label="with" name="Newer version" list={list} value={b.version} onChange={setRight} />
                </div>
                {differences.length === 0 ? (
                  <p className="muted">These versions hold the same field values.</p>
                ) : (
                  <DiffTable
                    label="Differences between the versions"
                    before={`Version ${a.version}`}
                    after={`Version ${b.version}`}
                    differences={differences}
                  />
                )}
              </div>
            )}
          </>
        ))}
      {restoring && (
        <ConfirmDialog
          title={`Restore version ${restoring.version}?`}
          confirmLabel="Restore"
          onConfirm={restore}
          onClose={() => setRestoring(undefined)}
        >
          <p>Its fields become a new version of this object; the versions in between are kept.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** One side of the comparison: a choice among the listed versions. */
function VersionSelect(p: {
  label: string;
  /** The select's accessible name. */
  name: string;
  list: Version[];
  value: number;
  onChange(version: number): void;
}) {
  return (
    <label className="stack-label">
      {p.label}
      <select aria-label={p.name} value={p.value} onChange={(e) => p.onChange(Number(e.target.value))}>
        {p.list.map((v) => (
          <option key={v.version} value={v.version}>
            Version {v.version}
          </option>
        ))}
      </select>
    </label>
  );
}
