import { describe, expect, it } from 'vitest';
import { addFieldError, type FieldErrors } from './errors.js';
import { ownProperty, setOwnProperty } from './own-property.js';

describe('own-property', () => {
  const table: Record<string, number> = { id: 1 };

  it('answers only own names, never Object.prototype members', () => {
    expect(ownProperty(table, 'id')).toBe(1);
    for (const name of Object.getOwnPropertyNames(Object.prototype)) expect(ownProperty(table, name)).toBeUndefined();
  });

  it('stores __proto__ as an own, enumerable key without touching the prototype', () => {
    const out: Record<string, number> = {};
    setOwnProperty(out, '__proto__', 7);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(JSON.stringify(out)).toBe('{"__proto__":7}');
  });

  it('keeps a field error under any name (an error lost under __proto__ would let invalid data through)', () => {
    const errs: FieldErrors = {};
    for (const name of Object.getOwnPropertyNames(Object.prototype)) addFieldError(errs, name, 'bad');
    addFieldError(errs, '__proto__', 'worse');
    expect(Object.keys(errs).sort()).toEqual(Object.getOwnPropertyNames(Object.prototype).sort());
    expect(ownProperty(errs, '__proto__')).toEqual(['bad', 'worse']);
  });
});
