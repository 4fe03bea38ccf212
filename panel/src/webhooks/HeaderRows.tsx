import type { FieldErrors } from '../api/types.js';
import { FieldErrorList } from '../ui/Field.js';
import { Icon } from '../ui/Icon.js';
import { errorsAt, type WebhookDraft } from './webhook-draft.js';

type Header = WebhookDraft['headers'][number];

interface Props {
  headers: Header[];
  errors: FieldErrors;
  onChange(headers: Header[]): void;
}

/** The custom headers sent with every delivery, one row each. */
export function HeaderRows({ headers, errors, onChange }: Props) {
  const put = (i: number, h: Header) => onChange(headers.map((x, j) => (j === i ? h : x)));
  return (
    <fieldset className="field-group">
      <legend className="field-label">Headers</legend>
      {headers.length === 0 ? (
        <p className="muted">No custom headers.</p>
      ) : (
        <ul className="header-rows">
          {headers.map((h, i) => {
            const rowErrors = errorsAt(errors, `headers.${i}`);
            return (
              <li key={i} className="header-row" role="group" aria-label={`Header ${i + 1}`}>
                <input
                  aria-label="Header name"
                  value={h.name}
                  placeholder="Authorization"
                  aria-invalid={rowErrors.length > 0}
                  onChange={(e) => put(i, { ...h, name: e.target.value })}
                />
                <input aria-label="Header value" value={h.value} onChange={(e) => put(i, { ...h, value: e.target.value })} />
                <button
                  type="button"
                  className="btn-icon btn-danger-text"
                  aria-label="Remove header"
                  title="Remove header"
                  onClick={() => onChange(headers.filter((_, j) => j !== i))}
                >
                  <Icon name="trash" />
                </button>
                <FieldErrorList errors={rowErrors} />
              </li>
            );
          })}
        </ul>
      )}
      <FieldErrorList errors={errors.headers} />
      <button type="button" className="btn btn-small" onClick={() => onChange([...headers, { name: '', value: '' }])}>
        <Icon name="plus" size={16} /> Add header
      </button>
    </fieldset>
  );
}
