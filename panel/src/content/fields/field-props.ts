import type { ContentType, FieldErrors, PropertyConfig, PropertySchema } from '../../api/types.js';

/** What every content-form input gets: its place in the object, its definition, its value and the errors. */
export interface FieldProps {
  /** Error path of the value, dotted like the server's (`title`, `items.0.name`). */
  path: string;
  config: PropertyConfig;
  schema: PropertySchema;
  required: boolean;
  value: unknown;
  onChange(v: unknown): void;
  errors: FieldErrors;
  /** Every content type (relation pickers need their labels and fields). */
  types: ContentType[];
}

/** Messages for exactly this path. */
export const errorsAt = (all: FieldErrors, path: string): string[] | undefined => all[path];

/** Messages for this path and everything under it that no inner input shows (e.g. `tags.0`). */
export function errorsUnder(all: FieldErrors, path: string): string[] | undefined {
  const out = Object.entries(all)
    .filter(([k]) => k === path || k.startsWith(`${path}.`) || k.startsWith(`${path}[`))
    .flatMap(([, m]) => m);
  return out.length ? out : undefined;
}
