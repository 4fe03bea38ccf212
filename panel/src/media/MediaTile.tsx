import { thumbnailUrl, type MediaObject } from '../api/media.js';
import { formatBytes } from '../ui/format.js';
import { Icon } from '../ui/Icon.js';

/** One file of the library grid; opening it shows the preview. */
export function MediaTile({ media: m, onOpen }: { media: MediaObject; onOpen(): void }) {
  const thumb = thumbnailUrl(m, 320, 240);
  return (
    <li className="media-tile">
      <button type="button" className="media-open" onClick={onOpen} aria-label={`Preview ${m.fileName}`}>
        <span className="media-thumb">
          {thumb ? <img src={thumb} alt={m.alt || ''} loading="lazy" /> : <Icon name="file" size={40} />}
        </span>
        <span className="media-name">{m.fileName}</span>
        <span className="media-size">
          {m.extension.toUpperCase()} · {formatBytes(m.size)}
        </span>
      </button>
    </li>
  );
}
