import { useState } from 'react';
import { Field } from '../../ui/Field.js';
import { errorsUnder, type FieldProps } from './field-props.js';

/** A list of strings, one per line. */
export function SimpleListInput({ path, config, required, value, onChange, errors }: FieldProps) {
  const [text, setText] = useState(() => (Array.isArray(value) ? (value as unknown[]).map(String).join('\n') : ''));
  const change = (t: string) => {
    setText(t);
    const items = t
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
    onChange(items.length || required ? items : undefined);
  };
  return (
    <Field
      label={config.label}
      help={config.helpText ?? 'One value per line.'}
      errors={errorsUnder(errors, path)}
      required={required}
    >
      {({ id, describedBy, invalid, required: isRequired }) => (
        <textarea
          id={id}
          rows={4}
          value={text}
          readOnly={config.readonly}
          onChange={(e) => change(e.target.value)}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          aria-required={isRequired}
        />
      )}
    </Field>
  );
}
