import { keysApi } from '../api/keys.js';
import { useLoad } from '../app/use-load.js';
import { formatDate } from '../ui/format.js';

const WORDS: Record<string, string> = {
  'key.created': 'created',
  'key.updated': 'changed the name or limits of',
  'key.rules-changed': 'changed the rules of',
  'key.regenerated': 'regenerated',
  'key.grace-ended': 'ended the grace window of',
  'key.removed': 'removed',
  'key.revealed': 'revealed',
  'key.copied': 'copied',
  'key.qr-shown': 'showed the QR code of',
};

/** The latest entries of the key audit trail (who revealed, copied, changed which key). */
export function RecentActivity({ tick }: { tick: number }) {
  const { data, error } = useLoad(() => keysApi.audit(10), String(tick));
  return (
    <section className="section" aria-labelledby="activity-title">
      <h2 id="activity-title">Recent key activity</h2>
      {error ? (
        <p className="muted">The audit trail could not be loaded.</p>
      ) : !data ? (
        <p className="muted">Loading…</p>
      ) : data.length === 0 ? (
        <p className="muted">Nothing yet.</p>
      ) : (
        <ol className="activity">
          {data.map((e) => (
            <li key={e.id}>
              <span>
                <strong>{e.actor}</strong>{' '}
                {e.action === 'keys.regenerated-all' ? (
                  'regenerated all keys'
                ) : (
                  <>
                    {WORDS[e.action] ?? e.action} <strong>{e.keyName ?? 'a key'}</strong>
                  </>
                )}
              </span>
              <time dateTime={e.at}>{formatDate(e.at)}</time>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
