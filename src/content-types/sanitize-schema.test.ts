import { describe, expect, it } from 'vitest';
import { DATE_TIME_PATTERN, sanitizeSchema, unsafePatternReason, type SchemaContext } from './sanitize-schema.js';

describe('unsafePatternReason', () => {
  it.each([
    '^(a+)+$',
    '(a*)*',
    '(?:a+)+b',
    '((ab)+)*',
    '^(\\w+\\s?)*$',
    '(a|a)*',
    '(a|ab)+c',
    '(\\d|x)*',
    '([a-z]|-)+',
    '(a?){1,100}',
    '(a+){2}',
    '(?<word>a+)*',
    '(a|)*',
  ])('refuses %s', (pattern) => {
    expect(unsafePatternReason(pattern)).toMatch(/catastrophic backtracking/);
  });

  it.each([
    DATE_TIME_PATTERN,
    '^[a-z0-9-]+$',
    '^[_a-zA-Z0-9]+$',
    '^(\\d{1,3}\\.){3}\\d{1,3}$',
    '^(foo|bar)*$',
    '^https?://[^\\s]+$',
    '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
    '^(\\+|-)?\\d+$',
    '^\\p{Lu}{2}-\\d{4}$',
    '^[(+*]+$',
    '^(ab){2,5}$',
  ])('accepts %s', (pattern) => {
    expect(unsafePatternReason(pattern)).toBeNull();
  });

  it('refuses invalid and oversized patterns', () => {
    expect(unsafePatternReason('(')).toBe('Pattern is not a valid regular expression');
    expect(unsafePatternReason('\\k')).toBe('Pattern is not a valid regular expression'); // invalid with the `u` flag only
    expect(unsafePatternReason('a'.repeat(513))).toBe('Pattern must be at most 512 characters long');
  });
});

describe('sanitizeSchema', () => {
  const run = (raw: Record<string, unknown>) => {
    const ctx: SchemaContext = { errors: {}, propertyCount: 0 };
    return { schema: sanitizeSchema(raw, 'p', 0, ctx), errors: ctx.errors };
  };

  it('keeps whitelisted keywords, drops the rest and unknown formats', () => {
    const { schema, errors } = run({
      type: ['string', 'null'],
      minLength: 1,
      maxLength: 5,
      enum: ['a'],
      default: 'a',
      description: 'd',
      format: 'email',
      items: { type: 'string', $comment: 'x' },
      required: ['a'],
      additionalProperties: true,
      dependentSchemas: {},
      contentEncoding: 'base64',
    });
    expect(errors).toEqual({});
    expect(schema).toEqual({
      type: ['string', 'null'],
      minLength: 1,
      maxLength: 5,
      enum: ['a'],
      default: 'a',
      description: 'd',
      format: 'email',
      items: { type: 'string' },
      required: ['a'],
      additionalProperties: true,
    });
    expect(run({ type: 'string', format: 'regex' }).schema).toEqual({ type: 'string' });
  });

  it('refuses wrongly typed keyword values instead of passing them on', () => {
    const { errors } = run({ minLength: -1, maximum: 'ten', enum: [], properties: { 'a-b': {} } });
    expect(Object.keys(errors).sort()).toEqual(['p.enum', 'p.maximum', 'p.minLength', 'p.properties']);
  });

  it('bounds nesting depth', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 20; i++) deep = { type: 'array', items: deep };
    expect(Object.values(run(deep).errors).flat()).toContain('Schema is nested too deeply');
  });
});
