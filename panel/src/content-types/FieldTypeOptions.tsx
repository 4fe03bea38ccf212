import type { ContentType } from '../api/types.js';
import { typeLabel } from '../keys/key-draft.js';
import { Field, FieldErrorList } from '../ui/Field.js';
import type { FieldErrorMap } from './ctd-errors.js';
import type { FieldDraft } from './ctd-model.js';
import { BLOCK_TYPES } from './input-types.js';

interface Props {
  field: FieldDraft;
  errors: FieldErrorMap;
  types: ContentType[];
  set(patch: Partial<FieldDraft>): void;
}

/** The settings only some input types have: pattern, options, relation target, block types … */
export function FieldTypeOptions({ field: f, errors, types, set }: Props) {
  switch (f.inputType) {
    case 'text':
      return (
        <div className="field-row">
          <Field label="Pattern (regular expression)" help="Values must match it, e.g. ^[A-Z]{3}$" errors={errors.pattern}>
            {({ id, describedBy, invalid, required: isRequired }) => (
              <input
                id={id}
                value={f.pattern}
                onChange={(e) => set({ pattern: e.target.value })}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                aria-required={isRequired}
              />
            )}
          </Field>
          <label className="check">
            <input type="checkbox" checked={f.isPassword} onChange={(e) => set({ isPassword: e.target.checked })} /> Password
            (masked in the Panel)
          </label>
        </div>
      );
    case 'dateTime':
      return (
        <label className="check">
          <input type="checkbox" checked={f.showTime} onChange={(e) => set({ showTime: e.target.checked })} /> With time
        </label>
      );
    case 'radio':
    case 'select':
      return (
        <div className="field-row">
          <Field label="Options" help="One option per line." errors={errors.options} required>
            {({ id, describedBy, invalid, required: isRequired }) => (
              <textarea
                id={id}
                rows={3}
                value={f.options.join('\n')}
                onChange={(e) => set({ options: e.target.value.split('\n') })}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                aria-required={isRequired}
              />
            )}
          </Field>
          {f.inputType === 'select' && (
            <label className="check">
              <input type="checkbox" checked={f.multiple} onChange={(e) => set({ multiple: e.target.checked })} /> Several values
            </label>
          )}
        </div>
      );
    case 'datasource':
      return (
        <div className="field-row">
          <Field label="Related type" help="Media files are the type “Media (internal)”." errors={errors.relation} required>
            {({ id, describedBy, invalid, required: isRequired }) => (
              <select
                id={id}
                value={f.relationContenttype}
                onChange={(e) => set({ relationContenttype: e.target.value })}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                aria-required={isRequired}
              >
                <option value="">Choose a type…</option>
                {types.map((t) => (
                  <option key={t.name} value={t.name}>
                    {typeLabel(t)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <label className="check">
            <input type="checkbox" checked={f.relationMultiple} onChange={(e) => set({ relationMultiple: e.target.checked })} />{' '}
            Several objects
          </label>
        </div>
      );
    case 'block':
      return (
        <fieldset className="checks">
          <legend>Block types (paragraphs are always allowed)</legend>
          {BLOCK_TYPES.map((b) => (
            <label key={b} className="check">
              <input
                type="checkbox"
                checked={f.blockEditorTypes.includes(b)}
                onChange={(e) =>
                  set({
                    blockEditorTypes: e.target.checked ? [...f.blockEditorTypes, b] : f.blockEditorTypes.filter((x) => x !== b),
                  })
                }
              />
              {b}
            </label>
          ))}
          <FieldErrorList errors={errors.options} />
        </fieldset>
      );
    default:
      return null;
  }
}
