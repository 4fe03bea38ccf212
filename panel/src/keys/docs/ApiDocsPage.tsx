import { lazy, Suspense, useMemo, useState } from 'react';
import { errorMessage } from '../../api/errors.js';
import { keysApi } from '../../api/keys.js';
import { openApiApi } from '../../api/open-api.js';
import { useNotices } from '../../app/notices.js';
import { usePageTitle } from '../../app/page-title.js';
import { Link } from '../../app/router.js';
import { useLoad } from '../../app/use-load.js';
import { SecretValue } from '../../ui/SecretValue.js';
import { ErrorState, Loading } from '../../ui/States.js';
import { contentTypesOf, keySchemeNames, servedFrom } from './open-api-doc.js';
import '../../styles/api-docs.css';

// Swagger UI is large: it is fetched only when someone opens a key's docs
const SwaggerView = lazy(() => import('./SwaggerView.js').then((m) => ({ default: m.SwaggerView })));

const load = async (id: string) => {
  const [keys, doc] = await Promise.all([keysApi.list(), openApiApi.forKey(id)]);
  const key = keys.find((k) => k.id === id);
  if (!key) throw new Error('This API key does not exist.');
  return { key, doc: servedFrom(doc, window.location.origin) };
};

/**
 * One key's OpenAPI document (what `GET /api/v1/open-api-schema.json` answers that key), rendered for reading and
 * trying out. The key's value reaches the renderer only after the person reveals it here.
 */
export function ApiDocsPage({ id }: { id: string }) {
  const { notify } = useNotices();
  const loaded = useLoad(() => load(id), id);
  const [revealed, setRevealed] = useState(false);
  const data = loaded.data;
  usePageTitle(data ? `API docs: ${data.key.name}` : 'API docs');
  const schemes = useMemo(() => (data ? keySchemeNames(data.doc) : []), [data]);
  const types = useMemo(() => (data ? contentTypesOf(data.doc) : []), [data]);

  if (loaded.error) return <ErrorState error={loaded.error} onRetry={loaded.reload} />;
  if (!data) return <Loading label="Loading the API docs…" />;
  const { key, doc } = data;

  const reveal = () => {
    setRevealed(true);
    keysApi
      .record(key.id, 'revealed')
      .catch((e: unknown) => notify('error', `Not recorded in the audit trail: ${errorMessage(e)}`));
  };

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <p className="crumbs">
            <Link to="/api-keys">API keys</Link> / {key.name}
          </p>
          <h1>API docs: {key.name}</h1>
          <p className="muted">
            The OpenAPI document this key gets from <code>/api/v1/open-api-schema.json</code>: only the content types and
            operations it may use.
          </p>
        </div>
      </header>
      <section className="card api-docs-key" aria-label="Key for Try it out">
        {key.kind === 'user-defined' && (
          <div>
            <h2 className="field-label">Content types in this document</h2>
            {types.length === 0 ? (
              <p className="muted">None: this key has no rules, so it can use no content type.</p>
            ) : (
              <ul className="api-docs-types" aria-label="Content types in this document">
                {types.map((t) => (
                  <li key={t} className="badge">
                    {t}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        <SecretValue value={key.key} onReveal={reveal} />
        <p className="muted" role="status">
          {revealed
            ? 'The key is filled in for “Try it out”: requests you execute below use it, against this server.'
            : 'Reveal the key to use it in “Try it out”; until then requests are sent without a key.'}
        </p>
      </section>
      <Suspense fallback={<Loading label="Loading the API docs…" />}>
        <SwaggerView doc={doc} schemes={schemes} apiKey={revealed ? key.key : undefined} />
      </Suspense>
    </div>
  );
}
