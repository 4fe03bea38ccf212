import { thumbnailUrl, type MediaObject } from '../api/media.js';
import { formatBytes, formatDate } from '../ui/format.js';
import { Icon } from '../ui/Icon.js';
import { Modal } from '../ui/Modal.js';

/** A large view of a file with its details, a link to the original, and Delete. */
export function MediaPreview({
  media: m,
  onClose,
  onDelete,
}: {
  media: MediaObject;
  onClose(): void;
  /** Absent: the role may not delete media, so no Delete. */
  onDelete?: () => void;
}) {
  const big = thumbnailUrl(m, 1200, 0);
  return (
    <Modal
      title={m.fileName}
      wide
      onClose={onClose}
      footer={
        <>
          <a className="btn" href={m.url} target="_blank" rel="noopener">
            Open original
          </a>
          {onDelete && (
            <button type="button" className="btn btn-danger" onClick={onDelete}>
              <Icon name="trash" size={16} /> Delete
            </button>
          )}
        </>
      }
    >
      <div className="media-preview">
        <div className="media-preview-image">
          {big ? <img src={big} alt={m.alt || m.fileName} /> : <Icon name="file" size={96} />}
        </div>
        <dl className="details">
          <dt>Type</dt>
          <dd>{m.mimeType}</dd>
          <dt>Size</dt>
          <dd>{formatBytes(m.size)}</dd>
          {m.type === 'image' && Boolean(m.width) && (
            <>
              <dt>Dimensions</dt>
              <dd>
                {m.width} × {m.height}
              </dd>
            </>
          )}
          <dt>URL</dt>
          <dd>
            <code>{m.url}</code>
          </dd>
          <dt>ID</dt>
          <dd>
            <code>{m.id}</code>
          </dd>
          {m.internal && (
            <>
              <dt>Uploaded</dt>
              <dd>{formatDate(m.internal.createdAt)}</dd>
            </>
          )}
        </dl>
      </div>
    </Modal>
  );
}
