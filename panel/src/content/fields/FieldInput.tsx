import { CheckboxInput, RadioInput, SelectInput } from './ChoiceInputs.js';
import { BlockInput, MarkdownInput, RichTextInput } from './EditorInputs.js';
import type { FieldProps } from './field-props.js';
import { GeoInput } from './GeoInput.js';
import { ListInput } from './ListInput.js';
import { RelationInput } from './RelationInput.js';
import { SimpleListInput } from './SimpleListInput.js';
import { DateTimeInput, JsonInput, NumberInput, TextInput } from './TextInputs.js';

/** The input for a field's type (all 16 Flotiq input types). */
export function FieldInput(p: FieldProps) {
  switch (p.config.inputType) {
    case 'number':
      return <NumberInput {...p} />;
    case 'checkbox':
      return <CheckboxInput {...p} />;
    case 'radio':
      return <RadioInput {...p} />;
    case 'select':
      return <SelectInput {...p} />;
    case 'dateTime':
      return <DateTimeInput {...p} />;
    case 'datasource':
      return <RelationInput {...p} />;
    case 'object':
      return <ListInput {...p} />;
    case 'simpleList':
      return <SimpleListInput {...p} />;
    case 'geo':
      return <GeoInput {...p} />;
    case 'block':
      return <BlockInput {...p} />;
    case 'richtext':
      return <RichTextInput {...p} />;
    case 'textMarkdown':
      return <MarkdownInput {...p} />;
    case 'custom':
      return <JsonInput {...p} />;
    default:
      return <TextInput {...p} />;
  }
}
