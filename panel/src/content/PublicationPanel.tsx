import { useState } from 'react';
import { contentApi, type PublicationAction } from '../api/content.js';
import { errorMessage } from '../api/errors.js';
import type { ContentObject, PublicationStatus } from '../api/types.js';
import { useNotices } from '../app/notices.js';
import { useSession } from '../app/session.js';
import { may } from '../users/can.js';
import { formatDate } from '../ui/format.js';
import { SchedulePlan } from './SchedulePlan.js';
import { StatusBadge } from './StatusBadge.js';

const ACTIONS: { action: PublicationAction; label: string; done: string; offered(s: PublicationStatus): boolean }[] = [
  { action: 'publish', label: 'Publish', done: 'The object was published.', offered: (s) => s !== 'public' },
  {
    action: 'unpublish',
    label: 'Unpublish',
    done: 'The object was unpublished: it is a draft again.',
    offered: (s) => s === 'public' || s === 'modified',
  },
  { action: 'archive', label: 'Archive', done: 'The object was archived.', offered: (s) => s !== 'archived' },
];

interface Props {
  type: string;
  object: ContentObject;
  /** Unsaved edits: publishing would publish the stored state, not what the form shows, so it waits. */
  dirty: boolean;
  /** The object changed on the server: read it again. */
  onChanged(): Promise<void>;
}

/** The publication of an object of a Draft & Public type: its status, Publish / Unpublish / Archive, the schedule. */
export function PublicationPanel({ type, object, dirty, onChanged }: Props) {
  const { notify } = useNotices();
  // publishing, unpublishing, archiving and plans need the publish grant on the type
  const publisher = may(useSession(), 'canPublish', type);
  const [busy, setBusy] = useState(false);
  const status = object.internal?.status ?? 'draft';
  const publishedAt = object.internal?.publishedAt;

  const act = async (a: (typeof ACTIONS)[number]) => {
    setBusy(true);
    try {
      await contentApi.act(type, object.id, a.action);
      await onChanged();
      notify('success', a.done);
    } catch (e) {
      notify('error', `${a.label} failed: ${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card form-card publication" aria-label="Publication">
      <div className="publication-head">
        <p className="publication-status">
          Status <StatusBadge status={status} />
          <span className="muted">{publishedAt ? ` Last published ${formatDate(publishedAt)}` : ' Never published'}</span>
        </p>
        <div className="publication-actions">
          {ACTIONS.filter((a) => publisher && a.offered(status)).map((a) => (
            <button
              key={a.action}
              type="button"
              className={a.action === 'publish' ? 'btn btn-primary btn-small' : 'btn btn-small'}
              disabled={busy || dirty}
              onClick={() => void act(a)}
            >
              {a.label}
            </button>
          ))}
        </div>
      </div>
      {dirty && publisher && <p className="field-help">Save your changes before publishing.</p>}
      {publisher && <SchedulePlan type={type} objectId={object.id} version={`${object.internal?.updatedAt ?? ''}|${status}`} />}
    </section>
  );
}
