import { useId } from 'react';
import type { ApiKey } from '../api/types.js';
import { formatDate } from '../ui/format.js';
import { KeyActions } from './KeyActions.js';
import { SecretValue } from '../ui/SecretValue.js';

interface Props {
  apiKey: ApiKey;
  onChanged(key: ApiKey): void;
  onReveal(): void;
  onAudited(): void;
}

const DESCRIPTION: Record<string, string> = {
  'read-only':
    'Reads every content type and what is published (never drafts). Safe for websites and apps that only display content.',
  'read-write': 'Can do everything the API offers: content types, content and media. Keep it on servers only.',
};

/** The read-only or the read-write key: it cannot be removed, only regenerated. */
export function ApplicationKeyCard({ apiKey, onChanged, onReveal, onAudited }: Props) {
  const titleId = useId();
  return (
    <article className="card key-card" aria-labelledby={titleId}>
      <header className="key-card-head">
        <h3 id={titleId}>{apiKey.name}</h3>
        <span className="badge">{apiKey.kind === 'read-only' ? 'Read only' : 'Read and write'}</span>
      </header>
      <p className="muted">{DESCRIPTION[apiKey.kind]}</p>
      <SecretValue value={apiKey.key} onReveal={onReveal} />
      <KeyActions apiKey={apiKey} onChanged={onChanged} onAudited={onAudited} />
      <p className="key-meta">{apiKey.lastUsedAt ? `Last used ${formatDate(apiKey.lastUsedAt)}` : 'Never used'}</p>
    </article>
  );
}
