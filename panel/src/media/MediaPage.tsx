import { useEffect, useState } from 'react';
import { contentApi } from '../api/content.js';
import { errorMessage } from '../api/errors.js';
import type { MediaObject } from '../api/media.js';
import { usePageTitle } from '../app/page-title.js';
import { useLoad } from '../app/use-load.js';
import { useNotices } from '../app/notices.js';
import { useSession } from '../app/session.js';
import { may } from '../users/can.js';
import { ConfirmDialog } from '../ui/ConfirmDialog.js';
import { Icon } from '../ui/Icon.js';
import { Pagination } from '../ui/Pagination.js';
import { EmptyState, ErrorState, Loading } from '../ui/States.js';
import { MediaPreview } from './MediaPreview.js';
import { MediaTile } from './MediaTile.js';
import { UploadZone } from './UploadZone.js';

const PAGE_SIZE = 24;

/** The media library: upload, a grid of files, a preview with details, delete. */
export function MediaPage() {
  usePageTitle('Media');
  const session = useSession();
  const { notify } = useNotices();
  const [page, setPage] = useState(1);
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [open, setOpen] = useState<MediaObject | undefined>();
  const [removing, setRemoving] = useState<MediaObject | undefined>();
  const filters = search.trim() ? JSON.stringify({ fileName: { type: 'contains', filter: search.trim() } }) : undefined;
  const query = { page, limit: PAGE_SIZE, orderBy: 'internal.createdAt', direction: 'desc' as const, filters };
  const list = useLoad(() => contentApi.list('_media', query), JSON.stringify(query));

  useEffect(() => {
    const t = window.setTimeout(() => {
      setSearch(typed);
      setPage(1);
    }, 300);
    return () => window.clearTimeout(t);
  }, [typed]);

  const remove = async () => {
    try {
      await contentApi.remove('_media', removing!.id);
      notify('success', `“${removing!.fileName}” was deleted.`);
      setOpen(undefined);
      list.reload();
    } catch (e) {
      notify('error', `Not deleted: ${errorMessage(e)}`);
      throw e;
    }
  };

  const items = (list.data?.data ?? []) as MediaObject[];
  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1>Media</h1>
          <p className="muted">Images and files for your content. Link them from a relation field to “Media (internal)”.</p>
        </div>
      </header>
      {may(session, 'canCreate', '_media') && (
        <UploadZone
          onUploaded={() => {
            setPage(1);
            list.reload();
          }}
        />
      )}
      <div className="toolbar">
        <div className="search">
          <Icon name="search" />
          <input
            type="search"
            aria-label="Search media"
            placeholder="Search by file name…"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
          />
        </div>
      </div>
      {list.error ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading label="Loading media…" />
      ) : items.length === 0 ? (
        <EmptyState title={filters ? 'No file matches' : 'No media yet'}>
          {!filters && <p>Upload images or files above.</p>}
        </EmptyState>
      ) : (
        <>
          <ul className="media-grid" aria-label="Media files">
            {items.map((m) => (
              <MediaTile key={m.id} media={m} onOpen={() => setOpen(m)} />
            ))}
          </ul>
          <Pagination
            page={list.data.current_page}
            totalPages={list.data.total_pages}
            totalCount={list.data.total_count}
            onPage={setPage}
          />
        </>
      )}
      {open && !removing && (
        <MediaPreview
          media={open}
          onClose={() => setOpen(undefined)}
          onDelete={may(session, 'canDelete', '_media') ? () => setRemoving(open) : undefined}
        />
      )}
      {removing && (
        <ConfirmDialog
          title="Delete this file?"
          confirmLabel="Delete"
          danger
          onConfirm={remove}
          onClose={() => setRemoving(undefined)}
        >
          <p>
            “{removing.fileName}” will be deleted, with every size generated from it. Content that links to it must be changed
            first.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
