import type { ContentType, FieldErrors } from '../api/types.js';
import { typeLabel } from '../keys/key-draft.js';
import { Field, FieldErrorList } from '../ui/Field.js';
import { HeaderRows } from './HeaderRows.js';
import { ACTIONS, errorsAt, TYPES, type WebhookDraft } from './webhook-draft.js';

interface Props {
  draft: WebhookDraft;
  types: ContentType[];
  errors: FieldErrors;
  onChange(draft: WebhookDraft): void;
}

const toggle = (list: string[], item: string, on: boolean) => (on ? [...list, item] : list.filter((x) => x !== item));

/** The fields of a webhook; each server message appears at the field it is about. */
export function WebhookForm({ draft, types, errors, onChange }: Props) {
  const set = (patch: Partial<WebhookDraft>) => onChange({ ...draft, ...patch });
  return (
    <>
      <div className="field-grid field-grid-2">
        <Field label="Name" required errors={errorsAt(errors, 'name')}>
          {(ids) => (
            <input
              id={ids.id}
              value={draft.name}
              maxLength={200}
              aria-describedby={ids.describedBy}
              aria-invalid={ids.invalid}
              aria-required
              onChange={(e) => set({ name: e.target.value })}
            />
          )}
        </Field>
        <Field label="Type" errors={errorsAt(errors, 'type')}>
          {(ids) => (
            <select
              id={ids.id}
              value={draft.type}
              aria-describedby={ids.describedBy}
              aria-invalid={ids.invalid}
              onChange={(e) => set({ type: e.target.value as WebhookDraft['type'] })}
            >
              {TYPES.map((t) => (
                <option key={t.type} value={t.type}>
                  {t.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field
        label="URL"
        required
        help="Where Flotilla sends a signed POST request (http or https)."
        errors={errorsAt(errors, 'url')}
      >
        {(ids) => (
          <input
            id={ids.id}
            type="url"
            inputMode="url"
            value={draft.url}
            placeholder="https://api.netlify.com/build_hooks/…"
            aria-describedby={ids.describedBy}
            aria-invalid={ids.invalid}
            aria-required
            onChange={(e) => set({ url: e.target.value })}
          />
        )}
      </Field>
      <label className="check check-field webhook-enabled">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
        Enabled
      </label>
      <fieldset className="checks" aria-describedby="webhook-types-help">
        <legend>Content types</legend>
        <p id="webhook-types-help" className="field-help checks-help">
          None checked: every content type.
        </p>
        {types.map((t) => (
          <label key={t.name} className="check">
            <input
              type="checkbox"
              checked={draft.types.includes(t.name)}
              onChange={(e) => set({ types: toggle(draft.types, t.name, e.target.checked) })}
            />
            {typeLabel(t)}
          </label>
        ))}
        <FieldErrorList errors={errorsAt(errors, 'content_type_definitions')} />
      </fieldset>
      <fieldset className="checks">
        <legend>Actions</legend>
        {ACTIONS.map((a) => (
          <label key={a.action} className="check" title={`When ${a.help}`}>
            <input
              type="checkbox"
              checked={draft.actions.includes(a.action)}
              onChange={(e) => set({ actions: toggle(draft.actions, a.action, e.target.checked) })}
            />
            {a.action}
          </label>
        ))}
        <FieldErrorList errors={errorsAt(errors, 'actions')} />
      </fieldset>
      <HeaderRows headers={draft.headers} errors={errors} onChange={(headers) => set({ headers })} />
    </>
  );
}
