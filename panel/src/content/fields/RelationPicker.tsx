import { useEffect, useState } from 'react';
import { contentApi, dataUrlOf } from '../../api/content.js';
import { thumbnailUrl, type MediaObject } from '../../api/media.js';
import type { ContentType, DataSource } from '../../api/types.js';
import { useLoad } from '../../app/use-load.js';
import { typeLabel } from '../../keys/key-draft.js';
import { Modal } from '../../ui/Modal.js';
import { Pagination } from '../../ui/Pagination.js';
import { EmptyState, ErrorState, Loading } from '../../ui/States.js';
import { UploadZone } from '../../media/UploadZone.js';
import { buildFilters, titleField } from '../content-query.js';

interface Props {
  title: string;
  /** The type to pick from, or '' for any type (then a type selector is shown). */
  target: string;
  types: ContentType[];
  multiple: boolean;
  chosen: DataSource[];
  onClose(): void;
  onDone(picked: DataSource[]): void;
}

/** Searches the objects of the target type and picks one or several. */
export function RelationPicker({ title, target, types, multiple, chosen, onClose, onDone }: Props) {
  const [type, setType] = useState(target || types.find((t) => !t.internal)?.name || '');
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [picked, setPicked] = useState<DataSource[]>([]);
  const ct = types.find((t) => t.name === type);
  const filters = ct ? buildFilters(ct, search, []) : undefined;
  const list = useLoad(
    () =>
      type
        ? contentApi.list(type, {
            page,
            limit: 12,
            filters,
            preview: true,
            // the newest media first: a file just uploaded here is at the top
            ...(type === '_media' ? { orderBy: 'internal.createdAt', direction: 'desc' as const } : {}),
          })
        : Promise.resolve(undefined),
    `${type}|${page}|${filters}`,
  );

  useEffect(() => {
    const t = window.setTimeout(() => {
      setSearch(typed);
      setPage(1);
    }, 300);
    return () => window.clearTimeout(t);
  }, [typed]);

  const isChosen = (url: string) => chosen.some((c) => c.dataUrl === url);
  const toggle = (url: string) => {
    if (!multiple) return onDone([{ dataUrl: url, type: 'internal' }]);
    setPicked((p) =>
      p.some((x) => x.dataUrl === url) ? p.filter((x) => x.dataUrl !== url) : [...p, { dataUrl: url, type: 'internal' }],
    );
  };

  return (
    <Modal
      title={title}
      wide
      onClose={onClose}
      footer={
        multiple ? (
          <>
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="button" className="btn btn-primary" disabled={picked.length === 0} onClick={() => onDone(picked)}>
              Add {picked.length || ''} selected
            </button>
          </>
        ) : undefined
      }
    >
      <div className="toolbar">
        {!target && (
          <select
            aria-label="Content type"
            value={type}
            onChange={(e) => {
              setType(e.target.value);
              setPage(1);
            }}
          >
            {types.map((t) => (
              <option key={t.name} value={t.name}>
                {typeLabel(t)}
              </option>
            ))}
          </select>
        )}
        {ct && titleField(ct) && (
          <input
            type="search"
            aria-label="Search objects"
            placeholder="Search…"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            // the picker sits inside the object's form: Enter here must not submit it
            onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()}
          />
        )}
      </div>
      {/* media can be added to the library right here, then picked */}
      {type === '_media' && (
        <div className="pick-upload">
          <UploadZone
            onUploaded={() => {
              setPage(1);
              list.reload();
            }}
          />
        </div>
      )}
      {list.error ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.data.length === 0 ? (
        <EmptyState title="Nothing found" />
      ) : (
        <>
          <ul className={type === '_media' ? 'pick-grid' : 'pick-list'}>
            {list.data.data.map((o) => {
              const url = dataUrlOf(type, o.id);
              const thumb = type === '_media' ? thumbnailUrl(o as MediaObject, 160, 120) : undefined;
              const label = o.internal?.objectTitle || o.id;
              return (
                <li key={o.id}>
                  <label className={isChosen(url) ? 'pick pick-disabled' : 'pick'}>
                    <input
                      type={multiple ? 'checkbox' : 'radio'}
                      name="pick"
                      disabled={isChosen(url)}
                      checked={isChosen(url) || picked.some((p) => p.dataUrl === url)}
                      onChange={() => toggle(url)}
                    />
                    {thumb && <img src={thumb} alt="" loading="lazy" />}
                    <span>{label}</span>
                  </label>
                </li>
              );
            })}
          </ul>
          <Pagination
            page={list.data.current_page}
            totalPages={list.data.total_pages}
            totalCount={list.data.total_count}
            onPage={setPage}
          />
        </>
      )}
    </Modal>
  );
}
