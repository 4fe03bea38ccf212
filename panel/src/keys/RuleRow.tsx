import { useId } from 'react';
import type { ContentType, KeyRule } from '../api/types.js';
import { FieldErrorList } from '../ui/Field.js';
import { Icon } from '../ui/Icon.js';
import { grantsFor, retarget, typeLabel, type GrantFlag } from './key-draft.js';

interface Props {
  rule: KeyRule;
  types: ContentType[];
  /** Types other rules of this key already use (not offered again). */
  taken: Set<string>;
  errors?: string[];
  onChange(rule: KeyRule): void;
  onDelete(): void;
}

/** One rule of a user-defined key: a content type and its grants (with Preview and Publish for Draft & Public types). */
export function RuleRow({ rule, types, taken, errors, onChange, onDelete }: Props) {
  const id = useId();
  const type = types.find((t) => t.name === rule.ctdName);
  const known = Boolean(type);
  const set = (flag: GrantFlag, v: boolean) => onChange({ ...rule, [flag]: v });
  return (
    <li className="rule-row" role="group" aria-label={`Rule for ${type?.label ?? rule.ctdName}`}>
      <div className="rule-type">
        <label htmlFor={`${id}-type`} className="visually-hidden">
          Content type
        </label>
        <select
          id={`${id}-type`}
          value={rule.ctdName}
          onChange={(e) =>
            onChange(
              retarget(
                rule,
                types.find((t) => t.name === e.target.value),
                e.target.value,
              ),
            )
          }
          aria-invalid={Boolean(errors?.length)}
        >
          {!known && <option value={rule.ctdName}>{rule.ctdName} (missing)</option>}
          {types.map((t) => (
            <option key={t.name} value={t.name} disabled={taken.has(t.name)}>
              {typeLabel(t)}
            </option>
          ))}
        </select>
        <FieldErrorList errors={errors} />
      </div>
      <div className="rule-grants">
        {grantsFor(type).map((g) => (
          <label key={g.flag} className="check">
            <input type="checkbox" checked={Boolean(rule[g.flag])} onChange={(e) => set(g.flag, e.target.checked)} />
            {g.label}
          </label>
        ))}
      </div>
      <button type="button" className="btn-icon btn-danger-text" aria-label="Delete rule" title="Delete rule" onClick={onDelete}>
        <Icon name="trash" />
      </button>
    </li>
  );
}
