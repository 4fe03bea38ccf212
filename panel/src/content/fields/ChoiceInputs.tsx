import { useId } from 'react';
import { Field, FieldErrorList, FieldGroup } from '../../ui/Field.js';
import { errorsAt, errorsUnder, type FieldProps } from './field-props.js';

/** The options of a radio or select field, with their labels when the type defines some. */
function optionsOf(p: FieldProps): { value: string; label: string }[] {
  if (p.config.useOptionsWithLabels && p.config.optionsWithLabels?.length) return p.config.optionsWithLabels;
  return (p.config.options ?? []).map((o) => ({ value: o, label: o }));
}

export function CheckboxInput({ path, config, value, onChange, errors }: FieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label className="check check-field" htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          checked={value === true}
          disabled={config.readonly}
          onChange={(e) => onChange(e.target.checked)}
        />
        {config.label}
      </label>
      {config.helpText && <p className="field-help">{config.helpText}</p>}
      <FieldErrorList errors={errorsAt(errors, path)} />
    </div>
  );
}

export function RadioInput(p: FieldProps) {
  const { path, config, required, value, onChange, errors } = p;
  const name = useId();
  const options = optionsOf(p);
  return (
    <FieldGroup label={config.label} required={required}>
      <div className="checks-row">
        {!required && (
          <label className="check">
            <input
              type="radio"
              name={name}
              checked={value === undefined || value === ''}
              disabled={config.readonly}
              onChange={() => onChange(undefined)}
            />{' '}
            None
          </label>
        )}
        {options.map((o) => (
          <label className="check" key={o.value}>
            <input
              type="radio"
              name={name}
              checked={value === o.value}
              disabled={config.readonly}
              onChange={() => onChange(o.value)}
            />{' '}
            {o.label}
          </label>
        ))}
      </div>
      {config.helpText && <p className="field-help">{config.helpText}</p>}
      <FieldErrorList errors={errorsAt(errors, path)} />
    </FieldGroup>
  );
}

export function SelectInput(p: FieldProps) {
  const { path, config, required, value, onChange, errors } = p;
  const options = optionsOf(p);
  if (config.multiple) {
    const chosen = Array.isArray(value) ? (value as string[]) : [];
    return (
      <FieldGroup label={config.label} required={required}>
        <div className="checks-row">
          {options.map((o) => (
            <label className="check" key={o.value}>
              <input
                type="checkbox"
                checked={chosen.includes(o.value)}
                disabled={config.readonly}
                onChange={(e) => onChange(e.target.checked ? [...chosen, o.value] : chosen.filter((c) => c !== o.value))}
              />
              {o.label}
            </label>
          ))}
        </div>
        {config.helpText && <p className="field-help">{config.helpText}</p>}
        <FieldErrorList errors={errorsUnder(errors, path)} />
      </FieldGroup>
    );
  }
  return (
    <Field label={config.label} help={config.helpText} errors={errorsAt(errors, path)} required={required}>
      {({ id, describedBy, invalid, required: isRequired }) => (
        <select
          id={id}
          value={typeof value === 'string' ? value : ''}
          disabled={config.readonly}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          aria-required={isRequired}
        >
          <option value="">—</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
