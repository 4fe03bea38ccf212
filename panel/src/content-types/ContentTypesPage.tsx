import { contentTypesApi } from '../api/content-types.js';
import { Link } from '../app/router.js';
import { usePageTitle } from '../app/page-title.js';
import { useLoad } from '../app/use-load.js';
import { formatDate } from '../ui/format.js';
import { Icon } from '../ui/Icon.js';
import { EmptyState, ErrorState, Loading } from '../ui/States.js';

/** The user's content types (internal types are managed by Flotilla itself). */
export function ContentTypesPage() {
  usePageTitle('Content types');
  const { data, error, reload } = useLoad(() => contentTypesApi.list(false), 'types');
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>Content types</h1>
          <p className="muted">Each type defines the fields of its objects.</p>
        </div>
        <Link className="btn btn-primary" to="/content-types/new">
          <Icon name="plus" size={16} /> New content type
        </Link>
      </header>
      {error ? (
        <ErrorState error={error} onRetry={reload} />
      ) : !data ? (
        <Loading label="Loading content types…" />
      ) : data.data.length === 0 ? (
        <EmptyState title="No content types yet">
          <p>Create the first type, e.g. “Blog posts” with a title and a body.</p>
          <Link className="btn btn-primary" to="/content-types/new">
            Create a content type
          </Link>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Label</th>
                <th scope="col">API name</th>
                <th scope="col">Fields</th>
                <th scope="col" className="hide-narrow">
                  Updated
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((t) => (
                <tr key={t.name}>
                  <td>
                    <Link to={`/content-types/${encodeURIComponent(t.name)}`}>{t.label}</Link>
                  </td>
                  <td>
                    <code>{t.name}</code>
                  </td>
                  <td>{t.metaDefinition.order.length}</td>
                  <td className="hide-narrow">{formatDate(t.updatedAt)}</td>
                  <td className="cell-actions">
                    <Link
                      className="btn btn-small"
                      to={`/content/${encodeURIComponent(t.name)}`}
                      aria-label={`Content of ${t.label}`}
                    >
                      Content
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
