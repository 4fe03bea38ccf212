import { useId, type ReactNode } from 'react';

interface Props {
  label: string;
  help?: string;
  errors?: string[];
  required?: boolean;
  /** Renders the control with the ids that tie it to its label, help and errors. */
  children(ids: { id: string; describedBy: string | undefined; invalid: boolean; required: boolean }): ReactNode;
  className?: string;
}

/** A labelled form control with its help text and its error messages under it. */
export function Field({ label, help, errors, required, children, className }: Props) {
  const id = useId();
  const helpId = help ? `${id}-help` : undefined;
  const errId = errors?.length ? `${id}-err` : undefined;
  const describedBy = [helpId, errId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${errors?.length ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <div className="field-label-row">
        <label htmlFor={id} className="field-label">
          {label}
        </label>
        {/* outside the label, so the control's name is just its label; the control says it is required */}
        {required && (
          <span className="required" aria-hidden="true">
            *
          </span>
        )}
      </div>
      {children({ id, describedBy, invalid: Boolean(errors?.length), required: Boolean(required) })}
      {help && (
        <p id={helpId} className="field-help">
          {help}
        </p>
      )}
      {errId && (
        <ul id={errId} className="field-errors">
          {errors!.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Error messages of a group of controls (a fieldset) that has no single input. */
export function FieldErrorList({ errors }: { errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <ul className="field-errors">
      {errors.map((e) => (
        <li key={e}>{e}</li>
      ))}
    </ul>
  );
}

/** A group of controls for one field (radio buttons, geo, relations, lists), legend marked when required. */
export function FieldGroup({
  label,
  required,
  className,
  children,
}: {
  label: string;
  required: boolean;
  className?: string;
  children: ReactNode;
}) {
  return (
    <fieldset className={`field field-group${className ? ` ${className}` : ''}`}>
      <legend className="field-label">
        {label}
        {required && (
          <span className="required" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </legend>
      {children}
    </fieldset>
  );
}

/** A password input in a Field: its label, help and errors, required; `new-password` unless told otherwise. */
export function PasswordField({
  label,
  help,
  errors,
  value,
  onChange,
  autoComplete = 'new-password',
  autoFocus,
}: {
  label: string;
  help?: string;
  errors?: string[];
  value: string;
  onChange(v: string): void;
  autoComplete?: 'new-password' | 'current-password';
  autoFocus?: boolean;
}) {
  return (
    <Field label={label} help={help} errors={errors} required>
      {({ id, describedBy, invalid, required }) => (
        <input
          id={id}
          type="password"
          autoComplete={autoComplete}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          aria-required={required}
          autoFocus={autoFocus}
        />
      )}
    </Field>
  );
}
