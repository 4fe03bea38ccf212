import { describe, expect, it } from 'vitest';
import { sanitizeContentType } from '../../../src/content-types/sanitize-content-type.js';
import type { ContentType, InputType } from '../api/types.js';
import { bodyOf, draftFrom, newField, propertyNameFrom, typeNameFrom, type CtdDraft, type FieldDraft } from './ctd-model.js';
import { INPUT_TYPE_LABELS } from './input-types.js';

function field(inputType: InputType, patch: Partial<FieldDraft> = {}): FieldDraft {
  const name = `f_${inputType}`;
  return { ...newField(inputType), name, label: name, ...patch };
}

/** One field of every input type, each with what its type needs. */
function everyType(): CtdDraft {
  const fields = INPUT_TYPE_LABELS.map(([t]) => {
    if (t === 'radio' || t === 'select') return field(t, { options: ['a', 'b'], required: true });
    if (t === 'datasource') return field(t, { relationContenttype: '_media', required: true });
    if (t === 'object') return field(t, { children: [field('text', { required: true }), field('number')] });
    if (t === 'text') return field(t, { required: true, unique: true, isTitlePart: true, pattern: '^[a-z]+$', helpText: 'h' });
    return field(t);
  });
  return { name: 'everything', label: 'Everything', fields, rest: {} };
}

describe('the content type editor model', () => {
  it('writes a CTD of all 16 input types that the server accepts unchanged', () => {
    const body = bodyOf(everyType());
    const res = sanitizeContentType(body, { allowInternalName: false });
    if (!res.ok) throw new Error(JSON.stringify(res.errors));
    expect(res.value.metaDefinition).toEqual(body.metaDefinition);
    expect(res.value.schemaDefinition).toEqual(body.schemaDefinition);
    expect(res.value.schemaDefinition.required).toEqual(['f_text', 'f_radio', 'f_select', 'f_datasource']);
    expect(res.value.schemaDefinition.allOf[1].properties.f_text).toEqual({ type: 'string', minLength: 1, pattern: '^[a-z]+$' });
  });

  it('reads a CTD back into the same fields, keeping what it does not edit', () => {
    const body = bodyOf(everyType());
    const properties = body.schemaDefinition.allOf[1].properties;
    properties.f_number = { ...properties.f_number, minimum: 0, description: 'kept' };
    const ct = {
      ...body,
      id: 'x',
      internal: false,
      createdAt: '',
      updatedAt: '',
      deletedAt: null,
      draftPublic: true,
    } as ContentType;
    const draft = draftFrom(ct);
    expect(draft.fields.map((f) => f.inputType)).toEqual(INPUT_TYPE_LABELS.map(([t]) => t));
    expect(draft.fields.find((f) => f.inputType === 'object')!.children.map((c) => c.name)).toEqual(['f_text', 'f_number']);
    const again = bodyOf(draft);
    expect(again.schemaDefinition).toEqual(body.schemaDefinition);
    expect(again.metaDefinition).toEqual(body.metaDefinition);
    expect(again.draftPublic).toBe(true);
  });

  it('drops the settings of a field whose type changed', () => {
    const body = bodyOf({ name: 'n', label: 'N', fields: [field('number')], rest: {} });
    body.schemaDefinition.allOf[1].properties.f_number.minimum = 1;
    const draft = draftFrom({ ...body, id: 'x', internal: false, createdAt: '', updatedAt: '', deletedAt: null } as ContentType);
    draft.fields[0] = { ...draft.fields[0], inputType: 'text' };
    expect(bodyOf(draft).schemaDefinition.allOf[1].properties.f_number).toEqual({ type: 'string' });
  });

  it('derives names from labels', () => {
    expect(propertyNameFrom('Post content')).toBe('postContent');
    expect(propertyNameFrom('3D model!')).toBe('_3dModel');
    expect(typeNameFrom('Blog posts 2')).toBe('blog_posts');
    expect(typeNameFrom('Café')).toBe('cafe');
  });
});
