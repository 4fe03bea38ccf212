import { describe, expect, it } from 'vitest';
import { childLevel, draftErrors, errorsOfField, pathsOf, TOP, unclaimedErrors } from './ctd-errors.js';
import { newField, type CtdDraft } from './ctd-model.js';

const title = { ...newField('text'), name: 'title', label: 'Title' };
const list = {
  ...newField('object'),
  name: 'items',
  label: 'Items',
  children: [{ ...newField('text'), name: 'sub', label: 'Sub' }],
};
const draft: CtdDraft = { name: 'page', label: 'Page', fields: [title, list], rest: {} };

describe('CTD error paths', () => {
  it('sends each server message to the input it is about', () => {
    const all = {
      'schemaDefinition.allOf[1].properties.title.pattern': ['Pattern is not a valid regular expression'],
      'metaDefinition.propertiesConfig.title.label': ['The property label is required'],
      'metaDefinition.propertiesConfig.title': ['Wrong meta type for type of title'],
      'schemaDefinition.properties': ['Property name title not allowed', 'Property name other not allowed'],
      title: ['The property title is required'],
      'metaDefinition.propertiesConfig.items.items.propertiesConfig.sub.label': ['The property label is required'],
      ctd: ['Existing objects do not conform to the new schema'],
    };
    const p = pathsOf(TOP, 'title');
    expect(errorsOfField(all, p, TOP, 'title', true)).toEqual({
      pattern: ['Pattern is not a valid regular expression'],
      label: ['The property label is required'],
      general: ['Wrong meta type for type of title', 'The property title is required'],
      name: ['Property name title not allowed'],
    });
    const items = pathsOf(TOP, 'items');
    expect(errorsOfField(all, items, TOP, 'items', true)).toEqual({});
    expect(errorsOfField(all, pathsOf(childLevel(items), 'sub'), childLevel(items), 'sub', false)).toEqual({
      label: ['The property label is required'],
    });
    expect(unclaimedErrors(all, draft)).toEqual([
      'Property name other not allowed',
      'Existing objects do not conform to the new schema',
    ]);
  });

  it('finds what the server would refuse before sending, at the same paths', () => {
    const bad: CtdDraft = {
      name: 'Page',
      label: '',
      fields: [
        { ...title, name: 'internal' },
        { ...newField('datasource'), name: 'rel', label: 'Rel' },
        { ...newField('select'), name: 'internal', label: '' },
      ],
      rest: {},
    };
    expect(draftErrors(bad, true)).toEqual({
      label: ['The label is required'],
      name: ['Only lowercase letters a-z and _ are allowed'],
      'metaDefinition.propertiesConfig.internal.name': ['The name internal is reserved', 'The name internal is reserved'],
      'metaDefinition.propertiesConfig.rel.validation': ['Choose the type this field relates to'],
      'metaDefinition.propertiesConfig.internal.label': ['The label is required'],
      'metaDefinition.propertiesConfig.internal.options': ['Add at least one option'],
    });
    expect(draftErrors(draft, true)).toEqual({});
  });
});
