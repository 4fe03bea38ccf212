import { contentApi } from '../api/content.js';
import type { ContentObject, ContentType } from '../api/types.js';
import { useLoad } from '../app/use-load.js';
import { formatDate } from '../ui/format.js';
import { ErrorState, Loading } from '../ui/States.js';
import { DiffTable } from './DiffTable.js';
import { changedFields } from './object-diff.js';

/**
 * A `modified` object: what the world sees (the public view, read without `X-MODE: preview`) against the draft
 * being edited (the latest state), field by field.
 */
export function PublicVersion({ ct, draft }: { ct: ContentType; draft: ContentObject }) {
  const published = useLoad(() => contentApi.get(ct.name, draft.id), `${draft.id}|${draft.internal?.updatedAt ?? ''}`);
  const differences = published.data ? changedFields(ct, published.data, draft) : [];
  return (
    <section className="card form-card public-version" aria-label="Public version">
      <h2 className="card-title">Public version</h2>
      {published.error ? (
        <ErrorState error={published.error} onRetry={published.reload} />
      ) : !published.data ? (
        <Loading label="Loading the public version…" />
      ) : (
        <>
          <p className="muted">
            The world sees the version published {formatDate(draft.internal?.publishedAt)}.{' '}
            {differences.length
              ? 'These fields of the draft differ from it; publish to make them public.'
              : 'The draft holds the same field values.'}
          </p>
          {differences.length > 0 && (
            <DiffTable label="Differences from the public version" before="Public" after="Draft" differences={differences} />
          )}
        </>
      )}
    </section>
  );
}
