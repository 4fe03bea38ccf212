import type { ContentType, FieldErrors, InputType } from '../api/types.js';
import { Field, FieldErrorList } from '../ui/Field.js';
import { Icon } from '../ui/Icon.js';
import { MoveButtons } from '../ui/MoveButtons.js';
import { childLevel, errorsOfField, pathsOf, type FieldPaths } from './ctd-errors.js';
import { newField, propertyNameFrom, type FieldDraft } from './ctd-model.js';
import { FieldTypeOptions } from './FieldTypeOptions.js';
import { INPUT_TYPE_LABELS, NO_UNIQUE_TYPES, TITLE_TYPES } from './input-types.js';

interface Props {
  field: FieldDraft;
  position: number;
  count: number;
  level: FieldPaths;
  topLevel: boolean;
  depth: number;
  errors: FieldErrors;
  types: ContentType[];
  onChange(f: FieldDraft): void;
  onMove(by: -1 | 1): void;
  onRemove(): void;
  /** Tells the page which error paths this change makes stale. */
  onEdited(prefixes: string[]): void;
}

/** One field of a content type: its label, name, type, flags and the settings of its type. */
export function FieldEditor({
  field: f,
  position,
  count,
  level,
  topLevel,
  depth,
  errors: all,
  types,
  onChange,
  onMove,
  onRemove,
  onEdited,
}: Props) {
  const paths = pathsOf(level, f.name);
  const errors = errorsOfField(all, paths, level, f.name, topLevel);
  const set = (patch: Partial<FieldDraft>) => {
    onEdited([paths.schema, paths.meta, ...(topLevel ? [f.name] : [])]);
    onChange({ ...f, ...patch });
  };
  const setLabel = (label: string) => set(f.autoName ? { label, name: propertyNameFrom(label) } : { label });
  const retyped = f.loadedType !== undefined && f.loadedType !== f.inputType;
  const title = f.label || f.name || 'New field';
  return (
    <section className="field-card" role="group" aria-label={`Field ${position + 1}`}>
      <header className="field-card-head">
        <h3>
          <span className="field-index">{position + 1}</span> {title}
        </h3>
        <div className="field-card-tools">
          <MoveButtons what="field" index={position} count={count} onMove={onMove} />
          <button
            type="button"
            className="btn-icon btn-danger-text"
            aria-label="Remove field"
            title="Remove field"
            onClick={onRemove}
          >
            <Icon name="trash" />
          </button>
        </div>
      </header>
      <FieldErrorList errors={errors.general} />
      <div className="field-grid">
        <Field label="Label" errors={errors.label} required>
          {({ id, describedBy, invalid, required: isRequired }) => (
            <input
              id={id}
              value={f.label}
              onChange={(e) => setLabel(e.target.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              aria-required={isRequired}
            />
          )}
        </Field>
        <Field
          label="Field name"
          help={f.loadedType ? 'Renaming removes the stored values of this field.' : 'Used in the API.'}
          errors={errors.name}
          required
        >
          {({ id, describedBy, invalid, required: isRequired }) => (
            <input
              id={id}
              value={f.name}
              spellCheck={false}
              onChange={(e) => set({ name: e.target.value, autoName: false })}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              aria-required={isRequired}
            />
          )}
        </Field>
        <Field
          label="Type"
          help={retyped ? 'Changing the type converts the values already stored.' : undefined}
          errors={errors.inputType}
          required
        >
          {({ id, describedBy, invalid, required: isRequired }) => (
            <select
              id={id}
              value={f.inputType}
              onChange={(e) => set({ inputType: e.target.value as InputType })}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              aria-required={isRequired}
            >
              {INPUT_TYPE_LABELS.map(([v, label]) => (
                <option key={v} value={v}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="checks-row">
        <label className="check">
          <input type="checkbox" checked={f.required} onChange={(e) => set({ required: e.target.checked })} /> Required
        </label>
        {!NO_UNIQUE_TYPES.includes(f.inputType) && (
          <label className="check">
            <input type="checkbox" checked={f.unique} onChange={(e) => set({ unique: e.target.checked })} /> Unique
          </label>
        )}
        {topLevel && TITLE_TYPES.includes(f.inputType) && (
          <label className="check">
            <input type="checkbox" checked={f.isTitlePart} onChange={(e) => set({ isTitlePart: e.target.checked })} /> Part of the
            title
          </label>
        )}
        <label className="check">
          <input type="checkbox" checked={f.hidden} onChange={(e) => set({ hidden: e.target.checked })} /> Hidden in the Panel
        </label>
        <label className="check">
          <input type="checkbox" checked={f.readonly} onChange={(e) => set({ readonly: e.target.checked })} /> Read only in the
          Panel
        </label>
      </div>
      <FieldErrorList errors={errors.unique} />
      <Field label="Help text">
        {({ id, describedBy }) => (
          <input id={id} value={f.helpText} onChange={(e) => set({ helpText: e.target.value })} aria-describedby={describedBy} />
        )}
      </Field>
      <FieldTypeOptions field={f} errors={errors} types={types} set={set} />
      {f.inputType === 'object' && (
        <div className="subfields">
          <h4>Fields of each list item</h4>
          <FieldList
            fields={f.children}
            level={childLevel(paths)}
            topLevel={false}
            depth={depth + 1}
            errors={all}
            types={types}
            onChange={(children) => onChange({ ...f, children })}
            onEdited={onEdited}
            addLabel="Add sub-field"
          />
          <FieldErrorList errors={errors.children} />
        </div>
      )}
    </section>
  );
}

interface FieldListProps {
  fields: FieldDraft[];
  level: FieldPaths;
  topLevel: boolean;
  depth: number;
  errors: FieldErrors;
  types: ContentType[];
  onChange(fields: FieldDraft[]): void;
  onEdited(prefixes: string[]): void;
  addLabel: string;
}

/**
 * The fields of one level (a type, or a list's items), in order, with Add / move / remove. It lives beside
 * FieldEditor because the two are one recursion: a list field's editor holds the list of its items' fields.
 */
export function FieldList({ fields, level, topLevel, depth, errors, types, onChange, onEdited, addLabel }: FieldListProps) {
  const move = (i: number, by: -1 | 1) => {
    const next = [...fields];
    [next[i], next[i + by]] = [next[i + by], next[i]];
    onChange(next);
  };
  return (
    <div className="field-list">
      {fields.map((f, i) => (
        <FieldEditor
          key={f.uid}
          field={f}
          position={i}
          count={fields.length}
          level={level}
          topLevel={topLevel}
          depth={depth}
          errors={errors}
          types={types}
          onChange={(nf) => onChange(fields.map((x) => (x.uid === f.uid ? nf : x)))}
          onMove={(by) => move(i, by)}
          onRemove={() => onChange(fields.filter((x) => x.uid !== f.uid))}
          onEdited={onEdited}
        />
      ))}
      <button type="button" className="btn" onClick={() => onChange([...fields, newField()])} disabled={depth > 4}>
        <Icon name="plus" size={16} /> {addLabel}
      </button>
    </div>
  );
}
