import { useState } from 'react';
import { contentApi, parseDataUrl } from '../../api/content.js';
import { thumbnailUrl, type MediaObject } from '../../api/media.js';
import type { ContentObject, DataSource } from '../../api/types.js';
import { Link } from '../../app/router.js';
import { useLoad } from '../../app/use-load.js';
import { FieldErrorList, FieldGroup } from '../../ui/Field.js';
import { formatBytes } from '../../ui/format.js';
import { Icon } from '../../ui/Icon.js';
import { errorsUnder, type FieldProps } from './field-props.js';
import { RelationPicker } from './RelationPicker.js';
import '../../styles/content-form.css';

/** The related objects, one list request per type (titles for all; file name, size and thumbnail for media). */
async function targetsOf(refs: DataSource[]): Promise<Map<string, ContentObject>> {
  const byType = new Map<string, string[]>();
  for (const r of refs) {
    const p = parseDataUrl(r.dataUrl);
    if (p) byType.set(p.type, [...(byType.get(p.type) ?? []), p.id]);
  }
  const out = new Map<string, ContentObject>();
  await Promise.all(
    [...byType].map(async ([type, ids]) => {
      const list = await contentApi.list(type, { ids, limit: ids.length, preview: true }).catch(() => undefined);
      for (const o of list?.data ?? []) out.set(`/api/v1/content/${type}/${o.id}`, o);
    }),
  );
  return out;
}

/** A relation (or media) field: the chosen objects, in order, and a picker to add more. */
export function RelationInput({ path, config, required, value, onChange, errors, types }: FieldProps) {
  const refs = Array.isArray(value) ? (value as DataSource[]) : [];
  const [picking, setPicking] = useState(false);
  const targets = useLoad(() => targetsOf(refs), refs.map((r) => r.dataUrl).join('|'));
  const target = config.validation?.relationContenttype ?? '';
  const multiple = config.validation?.relationMultiple !== false;
  const set = (next: DataSource[]) => onChange(next.length || required ? next : undefined);
  const targetOf = (r: DataSource) => targets.data?.get(r.dataUrl);
  const titleOf = (r: DataSource) => {
    const o = targetOf(r);
    return (o as MediaObject | undefined)?.fileName || o?.internal?.objectTitle || parseDataUrl(r.dataUrl)?.id || r.dataUrl;
  };
  /** Where the target is edited in the Panel (media are managed in the library). */
  const hrefOf = (r: DataSource) => {
    const p = parseDataUrl(r.dataUrl);
    if (!p) return undefined;
    return p.type === '_media' ? '/media' : `/content/${encodeURIComponent(p.type)}/object/${encodeURIComponent(p.id)}`;
  };
  const typeLabel = (r: DataSource) => types.find((t) => t.name === parseDataUrl(r.dataUrl)?.type)?.label ?? '';
  return (
    <FieldGroup label={config.label} required={required}>
      {refs.length === 0 ? (
        <p className="muted">Nothing chosen.</p>
      ) : (
        <ul className="chips">
          {refs.map((r) => {
            const media = parseDataUrl(r.dataUrl)?.type === '_media' ? (targetOf(r) as MediaObject | undefined) : undefined;
            const thumb = media && thumbnailUrl(media, 96, 72);
            const href = hrefOf(r);
            return (
              <li key={r.dataUrl} className={media ? 'chip chip-media' : 'chip'}>
                {thumb && <img src={thumb} alt="" className="chip-thumb" loading="lazy" />}
                <span>
                  {href ? <Link to={href}>{titleOf(r)}</Link> : titleOf(r)}{' '}
                  {media ? (
                    <small className="muted">({formatBytes(media.size)})</small>
                  ) : (
                    typeLabel(r) && <small className="muted">({typeLabel(r)})</small>
                  )}
                </span>
                <button
                  type="button"
                  className="btn-icon"
                  aria-label={`Remove ${titleOf(r)}`}
                  disabled={config.readonly}
                  onClick={() => set(refs.filter((x) => x.dataUrl !== r.dataUrl))}
                >
                  <Icon name="close" size={14} />
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {(multiple || refs.length === 0) && (
        <button type="button" className="btn btn-small" disabled={config.readonly} onClick={() => setPicking(true)}>
          <Icon name="plus" size={16} /> {target === '_media' ? 'Choose media' : 'Choose objects'}
        </button>
      )}
      {config.helpText && <p className="field-help">{config.helpText}</p>}
      <FieldErrorList errors={errorsUnder(errors, path)} />
      {picking && (
        <RelationPicker
          title={`Choose for “${config.label}”`}
          target={target}
          types={types}
          multiple={multiple}
          chosen={refs}
          onClose={() => setPicking(false)}
          onDone={(picked) => {
            set(multiple ? [...refs, ...picked.filter((p) => !refs.some((r) => r.dataUrl === p.dataUrl))] : picked.slice(0, 1));
            setPicking(false);
          }}
        />
      )}
    </FieldGroup>
  );
}
