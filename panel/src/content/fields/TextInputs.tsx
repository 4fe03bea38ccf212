import { useState } from 'react';
import { Field } from '../../ui/Field.js';
import { errorsAt, type FieldProps } from './field-props.js';

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** text, e-mail, long text, markdown and rich text (HTML) values. */
export function TextInput({ path, config, required, value, onChange, errors }: FieldProps) {
  const multiline = ['textarea', 'textMarkdown', 'richtext'].includes(config.inputType);
  const help = [
    config.helpText,
    config.inputType === 'textMarkdown' ? 'Markdown.' : config.inputType === 'richtext' ? 'HTML.' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <Field label={config.label} help={help || undefined} errors={errorsAt(errors, path)} required={required}>
      {({ id, describedBy, invalid, required: isRequired }) =>
        multiline ? (
          <textarea
            id={id}
            rows={config.inputType === 'textarea' ? 4 : 8}
            className={config.inputType === 'textMarkdown' || config.inputType === 'richtext' ? 'mono' : undefined}
            value={str(value)}
            readOnly={config.readonly}
            onChange={(e) => onChange(e.target.value)}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            aria-required={isRequired}
          />
        ) : (
          <input
            id={id}
            type={config.inputType === 'email' ? 'email' : config.isPassword ? 'password' : 'text'}
            value={str(value)}
            readOnly={config.readonly}
            onChange={(e) => onChange(e.target.value)}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            aria-required={isRequired}
          />
        )
      }
    </Field>
  );
}

export function NumberInput({ path, config, required, value, onChange, errors }: FieldProps) {
  return (
    <Field label={config.label} help={config.helpText} errors={errorsAt(errors, path)} required={required}>
      {({ id, describedBy, invalid, required: isRequired }) => (
        <input
          id={id}
          type="number"
          step="any"
          value={typeof value === 'number' ? String(value) : ''}
          readOnly={config.readonly}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          aria-required={isRequired}
        />
      )}
    </Field>
  );
}

/** `YYYY-MM-DD`, or `YYYY-MM-DDTHH:mm` with showTime (§2.3), through the browser's date pickers. */
export function DateTimeInput({ path, config, required, value, onChange, errors }: FieldProps) {
  const v = str(value);
  return (
    <Field label={config.label} help={config.helpText} errors={errorsAt(errors, path)} required={required}>
      {({ id, describedBy, invalid, required: isRequired }) => (
        <input
          id={id}
          type={config.showTime ? 'datetime-local' : 'date'}
          value={config.showTime ? v.slice(0, 16) : v.slice(0, 10)}
          readOnly={config.readonly}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          aria-required={isRequired}
        />
      )}
    </Field>
  );
}

/** `custom` values: any JSON (kept as a string when it is not valid JSON). */
export function JsonInput({ path, config, required, value, onChange, errors }: FieldProps) {
  const [text, setText] = useState(() =>
    value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value, null, 2),
  );
  const [bad, setBad] = useState(false);
  const commit = (t: string) => {
    setText(t);
    if (t.trim() === '') {
      setBad(false);
      return onChange(undefined);
    }
    try {
      onChange(JSON.parse(t) as unknown);
      setBad(false);
    } catch {
      onChange(t);
      setBad(true);
    }
  };
  const errs = [...(errorsAt(errors, path) ?? []), ...(bad ? ['Not valid JSON: it will be saved as text'] : [])];
  return (
    <Field
      label={config.label}
      help={config.helpText ?? 'Any JSON value.'}
      errors={errs.length ? errs : undefined}
      required={required}
    >
      {({ id, describedBy, invalid, required: isRequired }) => (
        <textarea
          id={id}
          rows={4}
          className="mono"
          value={text}
          readOnly={config.readonly}
          onChange={(e) => commit(e.target.value)}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          aria-required={isRequired}
        />
      )}
    </Field>
  );
}
