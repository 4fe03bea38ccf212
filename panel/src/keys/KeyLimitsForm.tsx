import type { FieldErrors } from '../api/types.js';
import { Field } from '../ui/Field.js';

/** The limits part of a key's form, as text. */
export interface LimitsDraft {
  expiresAt: string;
  requestLimit: string;
  networks: string;
  origins: string;
}

interface Props {
  draft: LimitsDraft;
  onChange(d: LimitsDraft): void;
  errors: FieldErrors;
  /** Application keys never expire: no date field for them. */
  withExpiry: boolean;
}

/** Errors the server names per entry (`allowedNetworks[2]`) shown at the list they belong to. */
const listErrors = (errors: FieldErrors, field: string) =>
  Object.entries(errors)
    .filter(([k]) => k === field || k.startsWith(`${field}[`))
    .flatMap(([, v]) => v);

/** Expiry, request limit, client networks and browser origins of a key. */
export function KeyLimitsForm({ draft, onChange, errors, withExpiry }: Props) {
  return (
    <div className="key-limits">
      {withExpiry && (
        <Field label="Expires" help="Empty: the key never expires." errors={errors.expiresAt}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              type="datetime-local"
              value={draft.expiresAt}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              onChange={(e) => onChange({ ...draft, expiresAt: e.target.value })}
            />
          )}
        </Field>
      )}
      <Field label="Requests per minute" help="Empty: no limit. Past it, requests get 429." errors={errors.requestLimit}>
        {({ id, describedBy, invalid }) => (
          <input
            id={id}
            type="number"
            min={1}
            max={1000000}
            step={1}
            inputMode="numeric"
            value={draft.requestLimit}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            onChange={(e) => onChange({ ...draft, requestLimit: e.target.value })}
          />
        )}
      </Field>
      <Field
        label="Allowed networks"
        help="One IP address or CIDR range a line (10.0.0.0/8, 2001:db8::/32). Empty: anywhere."
        errors={listErrors(errors, 'allowedNetworks')}
      >
        {({ id, describedBy, invalid }) => (
          <textarea
            id={id}
            rows={2}
            value={draft.networks}
            spellCheck={false}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            onChange={(e) => onChange({ ...draft, networks: e.target.value })}
          />
        )}
      </Field>
      <Field
        label="Allowed origins"
        help="One browser origin a line (https://site.example). Requests from other pages are refused. Empty: any."
        errors={listErrors(errors, 'allowedOrigins')}
      >
        {({ id, describedBy, invalid }) => (
          <textarea
            id={id}
            rows={2}
            value={draft.origins}
            spellCheck={false}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            onChange={(e) => onChange({ ...draft, origins: e.target.value })}
          />
        )}
      </Field>
    </div>
  );
}
