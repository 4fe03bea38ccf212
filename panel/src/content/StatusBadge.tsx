import type { PublicationStatus } from '../api/types.js';

const LOOK: Record<PublicationStatus, { label: string; className: string }> = {
  draft: { label: 'Draft', className: 'badge' },
  public: { label: 'Public', className: 'badge badge-ok' },
  modified: { label: 'Modified', className: 'badge badge-warn' },
  archived: { label: 'Archived', className: 'badge badge-danger' },
};

/** The publication status of an object of a Draft & Public type, as a coloured word. */
export function StatusBadge({ status }: { status: PublicationStatus | undefined }) {
  const look = LOOK[status ?? 'public'] ?? { label: String(status), className: 'badge' };
  return <span className={look.className}>{look.label}</span>;
}
