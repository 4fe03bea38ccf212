import { contentTypesApi } from '../api/content-types.js';
import { Link } from '../app/router.js';
import { usePageTitle } from '../app/page-title.js';
import { useLoad } from '../app/use-load.js';
import { useSession } from '../app/session.js';
import { can, may } from '../users/can.js';
import { EmptyState, ErrorState, Loading } from '../ui/States.js';

/** Every type whose objects the user's role may read, including the internal ones (tags, webhooks …). */
export function ContentIndexPage() {
  usePageTitle('Content');
  const session = useSession();
  const { data, error, reload } = useLoad(() => contentTypesApi.list(), 'all-types');
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (!data) return <Loading label="Loading content types…" />;
  const readable = data.data.filter((t) => may(session, 'canRead', t.name));
  const user = readable.filter((t) => !t.internal);
  const internal = readable.filter((t) => t.internal && t.name !== '_media');
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>Content</h1>
          <p className="muted">Choose a content type to see and edit its objects.</p>
        </div>
      </header>
      {user.length === 0 ? (
        <EmptyState title="No content types yet">
          {can(session, 'content-types') && (
            <Link className="btn btn-primary" to="/content-types/new">
              Create a content type
            </Link>
          )}
        </EmptyState>
      ) : (
        <ul className="tile-grid">
          {user.map((t) => (
            <li key={t.name}>
              <Link className="tile" to={`/content/${encodeURIComponent(t.name)}`}>
                <strong>{t.label}</strong>
                <code>{t.name}</code>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <h2 className="section-title">Internal types</h2>
      <ul className="tile-grid">
        {may(session, 'canRead', '_media') && (
          <li>
            <Link className="tile" to="/media">
              <strong>Media</strong>
              <code>_media</code>
            </Link>
          </li>
        )}
        {internal.map((t) => (
          <li key={t.name}>
            <Link className="tile" to={`/content/${encodeURIComponent(t.name)}`}>
              <strong>{t.label}</strong>
              <code>{t.name}</code>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
