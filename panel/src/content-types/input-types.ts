import type { InputType } from '../api/types.js';

/** The 16 Flotiq input types, in the order the type selector offers them, with the words people know. */
export const INPUT_TYPE_LABELS: [InputType, string][] = [
  ['text', 'Text'],
  ['textarea', 'Long text'],
  ['textMarkdown', 'Markdown'],
  ['richtext', 'Rich text'],
  ['email', 'E-mail'],
  ['number', 'Number'],
  ['checkbox', 'Checkbox'],
  ['radio', 'Radio'],
  ['select', 'Select'],
  ['dateTime', 'Date and time'],
  ['datasource', 'Relation (or media)'],
  ['object', 'List'],
  ['simpleList', 'Simple list'],
  ['geo', 'Geolocation'],
  ['block', 'Block editor'],
  ['custom', 'Custom (JSON)'],
];

export const inputTypeLabel = (t: InputType) => INPUT_TYPE_LABELS.find(([v]) => v === t)?.[1] ?? t;

/** Types that store one string (they may be required with minLength 1, carry a pattern, be a title part). */
export const STRING_TYPES: InputType[] = ['text', 'textarea', 'textMarkdown', 'richtext', 'email', 'radio', 'dateTime'];
export const TITLE_TYPES: InputType[] = ['text', 'textarea', 'email', 'number', 'select', 'radio'];
export const NO_UNIQUE_TYPES: InputType[] = ['radio', 'checkbox', 'block', 'object', 'geo', 'datasource', 'simpleList', 'custom'];
/** Block types an editor may allow besides the paragraph (always allowed). */
export const BLOCK_TYPES = ['header', 'list', 'image', 'youtubeEmbed', 'quote', 'warning', 'delimiter'];
/** §2.3: `YYYY-MM-DD` or `YYYY-MM-DDTHH:mm`, no timezone. */
export const DATE_TIME_PATTERN = '^([12]\\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01]))T?(([0-1]?[0-9]|2[0-3]):[0-5][0-9])?$';
export const DATASOURCE_REF = '#/components/schemas/DataSource';
export const ABSTRACT_REF = '#/components/schemas/AbstractContentTypeSchemaDefinition';
