import type { ContentType, FieldErrors } from '../api/types.js';
import { Icon } from '../ui/Icon.js';
import type { FieldPaths } from './ctd-errors.js';
import { newField, type FieldDraft } from './ctd-model.js';
import { FieldEditor } from './FieldEditor.js';

interface Props {
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

/** The fields of one level (a type, or a list's items), in order, with Add / move / remove. */
export function FieldList({ fields, level, topLevel, depth, errors, types, onChange, onEdited, addLabel }: Props) {
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
