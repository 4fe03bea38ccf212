import { useState } from 'react';
import { contentApi, parseDataUrl } from '../api/content.js';
import { errorMessage } from '../api/errors.js';
import type { MediaObject } from '../api/media.js';
import type { ContentType } from '../api/types.js';
import { RelationPicker } from '../content/fields/RelationPicker.js';

/** The URL an editor stores for a library image: the server's own (`/image/0x0/<id>.<ext>`), as Flotiq stores it. */
export const mediaImageUrl = (m: MediaObject): string => m.url || `/image/0x0/${encodeURIComponent(m.id)}.${m.extension}`;

/** Picks one image from the media library (search, pages) and answers its object. */
export function MediaImagePicker({
  types,
  onPick,
  onClose,
}: {
  types: ContentType[];
  onPick(m: MediaObject): void;
  onClose(): void;
}) {
  const [error, setError] = useState<string>();
  return (
    <>
      {error && (
        <p className="field-errors" role="alert">
          {error}
        </p>
      )}
      <RelationPicker
        title="Choose an image"
        target="_media"
        types={types}
        multiple={false}
        chosen={[]}
        onClose={onClose}
        onDone={(picked) => {
          const ref = picked[0] && parseDataUrl(picked[0].dataUrl);
          if (!ref) return onClose();
          contentApi
            .get('_media', ref.id, { preview: true })
            .then((m) => onPick(m as MediaObject))
            .catch((e: unknown) => setError(`The image could not be read: ${errorMessage(e)}`));
        }}
      />
    </>
  );
}
