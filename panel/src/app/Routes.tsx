import { useEffect, type ReactNode } from 'react';
import { ApiKeysPage } from '../keys/ApiKeysPage.js';
import { ApiDocsPage } from '../keys/docs/ApiDocsPage.js';
import { ContentEditorPage } from '../content/ContentEditorPage.js';
import { ContentIndexPage } from '../content/ContentIndexPage.js';
import { ContentListPage } from '../content/ContentListPage.js';
import { ContentTypeEditorPage } from '../content-types/ContentTypeEditorPage.js';
import { ContentTypesPage } from '../content-types/ContentTypesPage.js';
import { MediaPage } from '../media/MediaPage.js';
import { WebhookEditorPage } from '../webhooks/WebhookEditorPage.js';
import { WebhooksPage } from '../webhooks/WebhooksPage.js';
import { UsersPage } from '../users/UsersPage.js';
import { AccountPage } from '../users/AccountPage.js';
import { AuditPage } from '../audit/AuditPage.js';
import { EmptyState } from '../ui/States.js';
import { Link, matchPath, useRouter } from './router.js';

type Params = Record<string, string>;
const ROUTES: [string, (p: Params) => ReactNode][] = [
  ['/content-types', () => <ContentTypesPage />],
  ['/content-types/new', () => <ContentTypeEditorPage key="new" />],
  ['/content-types/:name', (p) => <ContentTypeEditorPage key={p.name} name={p.name} />],
  ['/content', () => <ContentIndexPage />],
  ['/content/:type', (p) => <ContentListPage key={p.type} type={p.type} />],
  ['/content/:type/new', (p) => <ContentEditorPage key={`${p.type}/new`} type={p.type} />],
  ['/content/:type/object/:id', (p) => <ContentEditorPage key={`${p.type}/${p.id}`} type={p.type} id={p.id} />],
  ['/media', () => <MediaPage />],
  ['/api-keys', () => <ApiKeysPage />],
  ['/api-keys/:id/docs', (p) => <ApiDocsPage key={p.id} id={p.id} />],
  ['/webhooks', () => <WebhooksPage />],
  ['/webhooks/new', () => <WebhookEditorPage key="new" />],
  ['/webhooks/:id', (p) => <WebhookEditorPage key={p.id} id={p.id} />],
  ['/users', () => <UsersPage />],
  ['/account', () => <AccountPage />],
  ['/audit', () => <AuditPage />],
];

/** The signed-in pages, by path. */
export function Routes() {
  const { path, navigate } = useRouter();
  const home = path === '/' || path === '/login';
  useEffect(() => {
    if (home) navigate('/content-types', { replace: true });
  }, [home, navigate]);
  if (home) return null;
  for (const [pattern, render] of ROUTES) {
    const params = matchPath(pattern, path);
    if (params) return <>{render(params)}</>;
  }
  return (
    <EmptyState title="This page does not exist">
      <Link to="/content-types">Go to content types</Link>
    </EmptyState>
  );
}
