import { contentTypesApi } from '../api/content-types.js';
import { webhooksApi, type WebhookObject } from '../api/webhooks.js';
import { Link } from '../app/router.js';
import { usePageTitle } from '../app/page-title.js';
import { useLoad } from '../app/use-load.js';
import { Icon } from '../ui/Icon.js';
import { EmptyState, ErrorState, Loading } from '../ui/States.js';
import { draftOf, TYPES } from './webhook-draft.js';

const load = async () => {
  const [hooks, types] = await Promise.all([webhooksApi.list(), contentTypesApi.list()]);
  return { hooks, labels: new Map(types.data.map((t) => [t.name, t.label])) };
};

const SHORT_TYPE = { async: 'Asynchronous', sync: 'Synchronous', ctd: 'Type definitions' } as const;

/** Every webhook: where it sends what. */
export function WebhooksPage() {
  usePageTitle('Webhooks');
  const { data, error, reload } = useLoad(load, 'webhooks');
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>Webhooks</h1>
          <p className="muted">Webhooks tell other services (a site builder, a search index) when content changes.</p>
        </div>
        <Link className="btn btn-primary" to="/webhooks/new">
          <Icon name="plus" size={16} /> New webhook
        </Link>
      </header>
      {error ? (
        <ErrorState error={error} onRetry={reload} />
      ) : !data ? (
        <Loading label="Loading webhooks…" />
      ) : data.hooks.length === 0 ? (
        <EmptyState title="No webhooks yet">
          <p>Add one, e.g. to rebuild your site whenever an article is published.</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">URL</th>
                <th scope="col">Status</th>
                <th scope="col">Content types</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {data.hooks.map((w) => (
                <WebhookRow key={w.id} hook={w} labels={data.labels} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function WebhookRow({ hook, labels }: { hook: WebhookObject; labels: Map<string, string> }) {
  const d = draftOf(hook);
  return (
    <tr>
      <td>
        <Link to={`/webhooks/${encodeURIComponent(hook.id)}`}>{d.name || hook.id}</Link>
      </td>
      <td title={TYPES.find((t) => t.type === d.type)?.label}>{SHORT_TYPE[d.type]}</td>
      <td className="cell-url">
        <code>{d.url}</code>
      </td>
      <td>
        <span className={d.enabled ? 'badge badge-ok' : 'badge'}>{d.enabled ? 'Enabled' : 'Disabled'}</span>
      </td>
      <td>{d.types.length ? d.types.map((n) => labels.get(n) ?? n).join(', ') : 'All'}</td>
      <td>{d.actions.join(', ')}</td>
    </tr>
  );
}
