import { describe, expect, it } from 'vitest';
import { compileObjectValidator } from '../content/validate-object.js';
import { objectTitle } from '../content/object-title.js';
import type { ContentType } from './content-type.js';
import { INTERNAL_TYPES } from './internal-types.js';
import { sanitizeContentType } from './sanitize-content-type.js';

function load(name: string): ContentType {
  const input = INTERNAL_TYPES.find((t) => (t as { name: string }).name === name);
  const r = sanitizeContentType(input, { allowInternalName: true });
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.errors)}`);
  return { ...r.value, id: name, createdAt: '', updatedAt: '', deletedAt: null };
}

describe('INTERNAL_TYPES', () => {
  it('defines the four system types, each passing the sanitizer as internal', () => {
    const names = INTERNAL_TYPES.map((t) => (t as { name: string }).name);
    expect(names).toEqual(['_media', '_tag', '_webhooks', '_plugin_settings']);
    for (const name of names) expect(load(name).internal).toBe(true);
    expect(sanitizeContentType(INTERNAL_TYPES[0], { allowInternalName: false }).ok).toBe(false);
  });

  it('accepts the documented media upload response and titles it by file name', () => {
    const media = load('_media');
    const uploaded = {
      extension: 'jpg',
      fileName: 'example_image.jpg',
      mimeType: 'image/jpeg',
      size: 45896,
      type: 'image',
      source: 'disk',
      externalId: '',
      url: '/image/0x0/_media-456456.jpg',
      height: 300,
      width: 150,
    };
    expect(compileObjectValidator(media)(uploaded)).toEqual({});
    expect(objectTitle(media, uploaded)).toBe('example_image.jpg');
  });

  it('validates media variants, tags and enums', () => {
    const validate = compileObjectValidator(load('_media'));
    const base = {
      fileName: 'a.png',
      mimeType: 'image/png',
      size: 1,
      url: '/image/0x0/m.png',
      source: 'disk',
      extension: 'png',
      type: 'image',
    };
    expect(
      validate({
        ...base,
        variants: [{ name: 'thumb_1', trim: { top: 0, left: 5, width: 10, height: 10 } }],
        tags: [{ dataUrl: '/api/v1/content/_tag/t-1', type: 'internal' }],
      }),
    ).toEqual({});
    expect(
      validate({
        ...base,
        source: 'ftp',
        variants: [{ name: 'bad name', trim: { top: 0, width: 0 } }],
        tags: [{ dataUrl: '/api/v1/content/_media/m', type: 'internal' }],
      }),
    ).toEqual({
      source: ['The value does not match possible options'],
      'variants.0.name': ['Does not match the regex pattern ^[_a-zA-Z0-9]+$'],
      'variants.0.trim.left': ['The property left is required'],
      'variants.0.trim.width': ['Must have a minimum value of 1'],
      tags: ['Related object /api/v1/content/_media/m is not of type _tag'],
    });
  });

  it('shapes webhooks and plugin settings as the SDK types them', () => {
    const webhook = {
      name: 'Notify',
      type: 'async',
      url: 'https://example.com/hook',
      enabled: true,
      content_type_definitions: [{ content_type_definition_name: 'blogposts' }],
      actions: [{ action: 'Create' }, { action: 'Delete' }],
      headers: [{ header_name: 'X-Token', header_value: 'secret' }],
    };
    expect(compileObjectValidator(load('_webhooks'))(webhook)).toEqual({});
    expect(compileObjectValidator(load('_webhooks'))({ ...webhook, actions: [{ action: 'Explode' }] })).toEqual({
      'actions.0.action': ['The value does not match possible options'],
    });
    expect(compileObjectValidator(load('_tag'))({ name: 'news' })).toEqual({});
    expect(load('_tag').metaDefinition.propertiesConfig.name.unique).toBe(true);
    const plugin = { name: 'p', version: '1.0.0', url: 'https://x/p.js', enabled: false, settings: '{"a":1}', manifest: '{}' };
    expect(compileObjectValidator(load('_plugin_settings'))(plugin)).toEqual({});
  });
});
