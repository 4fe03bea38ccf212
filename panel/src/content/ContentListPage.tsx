import { useEffect, useState } from 'react';
import { contentApi } from '../api/content.js';
import { contentTypesApi } from '../api/content-types.js';
import { errorMessage } from '../api/errors.js';
import type { ContentObject, ContentType } from '../api/types.js';
import { useNotices } from '../app/notices.js';
import { Link } from '../app/router.js';
import { usePageTitle } from '../app/page-title.js';
import { useLoad } from '../app/use-load.js';
import { useSession } from '../app/session.js';
import { can, may } from '../users/can.js';
import { ConfirmDialog } from '../ui/ConfirmDialog.js';
import { formatDate } from '../ui/format.js';
import { Icon } from '../ui/Icon.js';
import { Pagination } from '../ui/Pagination.js';
import { EmptyState, ErrorState, Loading } from '../ui/States.js';
import { buildFilters, titleField, type FilterRow } from './content-query.js';
import { FilterBar } from './FilterBar.js';
import { StatusBadge } from './StatusBadge.js';
import { ViewSwitch, type ContentView } from './ViewSwitch.js';

const PAGE_SIZE = 20;

/** The objects of one type: search, filters, pages, delete; for Draft & Public types, statuses and the two views. */
export function ContentListPage({ type }: { type: string }) {
  const loaded = useLoad(() => contentTypesApi.get(type), type);
  if (loaded.error) return <ErrorState error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data) return <Loading label="Loading…" />;
  return <ObjectList ct={loaded.data} />;
}

export const objectTitleOf = (o: ContentObject) => o.internal?.objectTitle || o.id;
const editPath = (type: string, id: string) => `/content/${encodeURIComponent(type)}/object/${encodeURIComponent(id)}`;

function ObjectList({ ct }: { ct: ContentType }) {
  usePageTitle(ct.label);
  const session = useSession();
  const deletes = may(session, 'canDelete', ct.name);
  const { notify } = useNotices();
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [rows, setRows] = useState<FilterRow[]>([]);
  const [page, setPage] = useState(1);
  const [order, setOrder] = useState<{ by: string; dir: 'asc' | 'desc' }>({ by: 'internal.createdAt', dir: 'desc' });
  const [removing, setRemoving] = useState<ContentObject | undefined>();
  const [view, setView] = useState<ContentView>('draft');
  const dp = ct.draftPublic;
  const filters = buildFilters(ct, search, rows);
  const query = { page, limit: PAGE_SIZE, filters, orderBy: order.by, direction: order.dir, preview: !dp || view === 'draft' };
  const list = useLoad(() => contentApi.list(ct.name, query), JSON.stringify(query));
  const searchable = titleField(ct);

  useEffect(() => {
    const t = window.setTimeout(() => {
      setSearch(typed);
      setPage(1);
    }, 300);
    return () => window.clearTimeout(t);
  }, [typed]);

  const remove = async () => {
    try {
      await contentApi.remove(ct.name, removing!.id);
      notify('success', `“${objectTitleOf(removing!)}” was deleted.`);
      list.reload();
    } catch (e) {
      notify('error', `Not deleted: ${errorMessage(e)}`);
      throw e;
    }
  };

  const sortBy = (by: string) => setOrder((o) => ({ by, dir: o.by === by && o.dir === 'asc' ? 'desc' : 'asc' }));
  const sortState = (by: string) => (order.by === by ? (order.dir === 'asc' ? 'ascending' : 'descending') : 'none');

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <p className="crumbs">
            <Link to="/content">Content</Link> /
          </p>
          <h1>{ct.label}</h1>
        </div>
        <div className="page-actions">
          {!ct.internal && can(session, 'content-types') && (
            <Link className="btn" to={`/content-types/${encodeURIComponent(ct.name)}`}>
              Edit type
            </Link>
          )}
          {may(session, 'canCreate', ct.name) && (
            <Link className="btn btn-primary" to={`/content/${encodeURIComponent(ct.name)}/new`}>
              <Icon name="plus" size={16} /> New object
            </Link>
          )}
        </div>
      </header>
      <div className="toolbar">
        {searchable && (
          <div className="search">
            <Icon name="search" />
            <input
              type="search"
              aria-label={`Search ${ct.label}`}
              placeholder={`Search by ${ct.metaDefinition.propertiesConfig[searchable].label.toLowerCase()}…`}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
            />
          </div>
        )}
        <FilterBar
          ct={ct}
          rows={rows}
          onChange={(r) => {
            setRows(r);
            setPage(1);
          }}
        />
        {dp && (
          <ViewSwitch
            view={view}
            onChange={(v) => {
              setView(v);
              setPage(1);
            }}
          />
        )}
      </div>
      {list.error ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading label="Loading objects…" />
      ) : list.data.data.length === 0 ? (
        <EmptyState
          title={filters ? 'Nothing matches' : dp && view === 'public' ? 'Nothing is public yet' : `No ${ct.label} yet`}
        >
          {!filters && !(dp && view === 'public') && (
            <Link className="btn btn-primary" to={`/content/${encodeURIComponent(ct.name)}/new`}>
              Create the first object
            </Link>
          )}
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap" aria-busy={list.loading}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Title</th>
                  <th scope="col" className="hide-narrow">
                    ID
                  </th>
                  {dp && <th scope="col">Status</th>}
                  <th scope="col" aria-sort={sortState('internal.updatedAt')}>
                    <button type="button" className="th-sort" onClick={() => sortBy('internal.updatedAt')}>
                      Updated
                    </button>
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.data.map((o) => (
                  <tr key={o.id}>
                    <td>
                      <Link to={editPath(ct.name, o.id)}>{objectTitleOf(o)}</Link>
                    </td>
                    <td className="hide-narrow">
                      <code>{o.id}</code>
                    </td>
                    {dp && (
                      <td>
                        <StatusBadge status={o.internal?.status} />
                      </td>
                    )}
                    <td>{formatDate(o.internal?.updatedAt)}</td>
                    <td className="cell-actions">
                      {deletes && (
                        <button
                          type="button"
                          className="btn-icon btn-danger-text"
                          aria-label={`Delete ${objectTitleOf(o)}`}
                          onClick={() => setRemoving(o)}
                        >
                          <Icon name="trash" />
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination
            page={list.data.current_page}
            totalPages={list.data.total_pages}
            totalCount={list.data.total_count}
            onPage={setPage}
          />
        </>
      )}
      {removing && (
        <ConfirmDialog
          title="Delete this object?"
          confirmLabel="Delete"
          danger
          onConfirm={remove}
          onClose={() => setRemoving(undefined)}
        >
          <p>“{objectTitleOf(removing)}” will be deleted.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
