import { useCallback, useRef, useState } from 'react';
import { contentTypesApi } from '../api/content-types.js';
import { errorMessage } from '../api/errors.js';
import { keysApi } from '../api/keys.js';
import type { ApiKey } from '../api/types.js';
import { useNotices } from '../app/notices.js';
import { usePageTitle } from '../app/page-title.js';
import { useLoad } from '../app/use-load.js';
import { Icon } from '../ui/Icon.js';
import { EmptyState, ErrorState, Loading } from '../ui/States.js';
import { ApplicationKeyCard } from './ApplicationKeyCard.js';
import { RecentActivity } from './RecentActivity.js';
import { UserKeyCard } from './UserKeyCard.js';
import { RegenerateAllDialog } from './RegenerateAllDialog.js';

/** A user-defined card: `saved` is undefined until a new key is first saved; `slot` keeps the card's identity. */
interface Entry {
  slot: string;
  saved: ApiKey | undefined;
}

const load = async () => {
  const [keys, types] = await Promise.all([keysApi.list(), contentTypesApi.list()]);
  return { keys, types: types.data };
};

/** Application keys and user-defined keys with their rules (api-keys.md). */
export function ApiKeysPage() {
  usePageTitle('API keys');
  const { notify } = useNotices();
  const loaded = useLoad(load, 'keys');
  const [appKeys, setAppKeys] = useState<ApiKey[] | undefined>();
  const [entries, setEntries] = useState<Entry[] | undefined>();
  const [activityTick, setActivityTick] = useState(0);
  const [rotatingAll, setRotatingAll] = useState(false);
  const counter = useRef(0);
  const audited = useCallback(() => setActivityTick((t) => t + 1), []);

  // the lists are copied once from the first load; afterwards each card's confirmed changes update them
  if (loaded.data && !appKeys) {
    setAppKeys(loaded.data.keys.filter((k) => k.kind !== 'user-defined'));
    setEntries(loaded.data.keys.filter((k) => k.kind === 'user-defined').map((k) => ({ slot: k.id, saved: k })));
  }

  if (loaded.error) return <ErrorState error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data || !appKeys || !entries) return <Loading label="Loading API keys…" />;
  const types = loaded.data.types;

  const reveal = (key: ApiKey) => {
    keysApi
      .record(key.id, 'revealed')
      .then(audited, (e: unknown) => notify('error', `Not recorded in the audit trail: ${errorMessage(e)}`));
  };
  const replaceApp = (key: ApiKey) => setAppKeys((list) => list?.map((k) => (k.id === key.id ? key : k)));
  const setEntry = (slot: string, saved: ApiKey | undefined) =>
    setEntries((list) =>
      saved ? list?.map((e) => (e.slot === slot ? { slot, saved } : e)) : list?.filter((e) => e.slot !== slot),
    );
  /** After "Regenerate all keys": every saved card shows its new value (unsaved cards stay as they are). */
  const replaceAll = (keys: ApiKey[]) => {
    const byId = new Map(keys.map((k) => [k.id, k]));
    setAppKeys((list) => list?.map((k) => byId.get(k.id) ?? k));
    setEntries((list) => list?.map((e) => (e.saved && byId.has(e.saved.id) ? { ...e, saved: byId.get(e.saved.id) } : e)));
    audited();
  };
  /** A usage suggestion for an application key: a user-defined key that reads only these types. */
  const createReadKey = (from: ApiKey) => async (typeNames: string[]) => {
    try {
      const rules = typeNames.map((ctdName) => ({
        ctdName,
        canRead: true,
        canCreate: false,
        canUpdate: false,
        canDelete: false,
      }));
      const key = await keysApi.create(`Read ${typeNames.join(', ')}`.slice(0, 100), rules);
      setEntries((list) => [{ slot: key.id, saved: key }, ...(list ?? [])]);
      audited();
      notify('success', `The key “${key.name}” was created: use it instead of “${from.name}” where only these types are read.`);
    } catch (e) {
      notify('error', `The key was not created: ${errorMessage(e)}`);
    }
  };
  const addKey = () => setEntries((list) => [{ slot: `new-${++counter.current}`, saved: undefined }, ...(list ?? [])]);

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>API keys</h1>
          <p className="muted">
            Keys let applications use the API. Key values are masked: reveal, copy or show them only when you need them.
          </p>
        </div>
        <button type="button" className="btn btn-danger-text" onClick={() => setRotatingAll(true)}>
          <Icon name="refresh" size={16} /> Regenerate all keys
        </button>
      </header>

      <section className="section" aria-labelledby="app-keys-title">
        <h2 id="app-keys-title">Application API keys</h2>
        <div className="key-grid">
          {appKeys.map((k) => (
            <ApplicationKeyCard
              key={k.id}
              apiKey={k}
              onChanged={replaceApp}
              onReveal={() => reveal(k)}
              onAudited={audited}
              onCreateReadKey={createReadKey(k)}
            />
          ))}
        </div>
      </section>

      <section className="section" aria-labelledby="user-keys-title">
        <div className="section-head">
          <h2 id="user-keys-title">User defined API keys</h2>
          <button type="button" className="btn btn-primary" onClick={addKey}>
            <Icon name="plus" size={16} /> Add new API key
          </button>
        </div>
        <p className="muted">Each key can do only what its rules allow, type by type. Save each key on its own.</p>
        {entries.length === 0 ? (
          <EmptyState title="No user defined keys yet">
            <p>Add a key for each application, with only the rights it needs.</p>
          </EmptyState>
        ) : (
          <div className="key-list">
            {entries.map((e) => (
              <UserKeyCard
                key={e.slot}
                saved={e.saved}
                types={types}
                onSaved={(k) => {
                  setEntry(e.slot, k);
                  audited();
                }}
                onRemoved={() => {
                  setEntry(e.slot, undefined);
                  audited();
                }}
                onReveal={reveal}
                onAudited={audited}
              />
            ))}
          </div>
        )}
      </section>

      <RecentActivity tick={activityTick} />
      {rotatingAll && <RegenerateAllDialog onDone={replaceAll} onClose={() => setRotatingAll(false)} />}
    </div>
  );
}
