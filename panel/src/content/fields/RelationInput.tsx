import { useState } from 'react';
import { contentApi, parseDataUrl } from '../../api/content.js';
import type { DataSource } from '../../api/types.js';
import { useLoad } from '../../app/use-load.js';
import { FieldErrorList, FieldGroup } from '../../ui/Field.js';
import { Icon } from '../../ui/Icon.js';
import { errorsUnder, type FieldProps } from './field-props.js';
import { RelationPicker } from './RelationPicker.js';

/** The titles of related objects, one list request per type. */
async function titlesOf(refs: DataSource[]): Promise<Map<string, string>> {
  const byType = new Map<string, string[]>();
  for (const r of refs) {
    const p = parseDataUrl(r.dataUrl);
    if (p) byType.set(p.type, [...(byType.get(p.type) ?? []), p.id]);
  }
  const out = new Map<string, string>();
  await Promise.all(
    [...byType].map(async ([type, ids]) => {
      const list = await contentApi.list(type, { ids, limit: ids.length, preview: true }).catch(() => undefined);
      for (const o of list?.data ?? []) out.set(`/api/v1/content/${type}/${o.id}`, o.internal?.objectTitle || o.id);
    }),
  );
  return out;
}

/** A relation (or media) field: the chosen objects, in order, and a picker to add more. */
export function RelationInput({ path, config, required, value, onChange, errors, types }: FieldProps) {
  const refs = Array.isArray(value) ? (value as DataSource[]) : [];
  const [picking, setPicking] = useState(false);
  const titles = useLoad(() => titlesOf(refs), refs.map((r) => r.dataUrl).join('|'));
  const target = config.validation?.relationContenttype ?? '';
  const multiple = config.validation?.relationMultiple !== false;
  const set = (next: DataSource[]) => onChange(next.length || required ? next : undefined);
  const titleOf = (r: DataSource) => titles.data?.get(r.dataUrl) ?? parseDataUrl(r.dataUrl)?.id ?? r.dataUrl;
  const typeLabel = (r: DataSource) => types.find((t) => t.name === parseDataUrl(r.dataUrl)?.type)?.label ?? '';
  return (
    <FieldGroup label={config.label} required={required}>
      {refs.length === 0 ? (
        <p className="muted">Nothing chosen.</p>
      ) : (
        <ul className="chips">
          {refs.map((r) => (
            <li key={r.dataUrl} className="chip">
              <span>
                {titleOf(r)} {typeLabel(r) && <small className="muted">({typeLabel(r)})</small>}
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
          ))}
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
