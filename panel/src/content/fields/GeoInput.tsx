import { FieldErrorList, FieldGroup } from '../../ui/Field.js';
import { errorsUnder, type FieldProps } from './field-props.js';

interface Geo {
  lat?: number;
  lon?: number;
}

/** A latitude and a longitude; both empty means no value. */
export function GeoInput({ path, config, required, value, onChange, errors }: FieldProps) {
  const v = (value && typeof value === 'object' ? value : {}) as Geo;
  const set = (k: keyof Geo, raw: string) => {
    const next = { ...v, [k]: raw === '' ? undefined : Number(raw) };
    onChange(next.lat === undefined && next.lon === undefined ? undefined : next);
  };
  return (
    <FieldGroup label={config.label} required={required}>
      <div className="field-grid field-grid-2">
        <label className="stack-label">
          Latitude
          <input
            type="number"
            step="any"
            min={-90}
            max={90}
            value={v.lat ?? ''}
            readOnly={config.readonly}
            onChange={(e) => set('lat', e.target.value)}
          />
        </label>
        <label className="stack-label">
          Longitude
          <input
            type="number"
            step="any"
            min={-180}
            max={180}
            value={v.lon ?? ''}
            readOnly={config.readonly}
            onChange={(e) => set('lon', e.target.value)}
          />
        </label>
      </div>
      {config.helpText && <p className="field-help">{config.helpText}</p>}
      <FieldErrorList errors={errorsUnder(errors, path)} />
    </FieldGroup>
  );
}
