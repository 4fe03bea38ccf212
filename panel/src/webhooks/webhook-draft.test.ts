import { describe, expect, it } from 'vitest';
import type { WebhookObject } from '../api/webhooks.js';
import { bodyOf, draftOf, draftProblems, errorsAt, isDirty, otherErrors } from './webhook-draft.js';

const stored: WebhookObject = {
  id: 'wh1',
  internal: { contentType: '_webhooks', createdAt: '', updatedAt: '' },
  name: 'Rebuild',
  type: 'async',
  url: 'https://example.test/hook',
  enabled: true,
  executionMode: 'url',
  content_type_definitions: [{ content_type_definition_name: 'post' }],
  actions: [{ action: 'Create' }, { action: 'WorkflowTransition' }],
  headers: [{ header_name: 'x-team', header_value: 'blue' }],
};

describe('webhook drafts', () => {
  it('round-trip a stored webhook, keeping the fields and actions the form does not edit', () => {
    const d = draftOf(stored);
    expect(isDirty(d, stored)).toBe(false);
    const body = bodyOf({ ...d, url: ' https://example.test/other ' }, stored);
    expect(body).toMatchObject({ executionMode: 'url', url: 'https://example.test/other' });
    expect(body.actions).toEqual([{ action: 'Create' }, { action: 'WorkflowTransition' }]);
    expect(body).not.toHaveProperty('id');
    expect(body).not.toHaveProperty('internal');
  });

  it('are dirty after a change and always before the first save', () => {
    const d = draftOf(stored);
    expect(isDirty({ ...d, enabled: false }, stored)).toBe(true);
    expect(isDirty({ ...d, headers: [] }, stored)).toBe(true);
    expect(isDirty(d, undefined)).toBe(true);
  });

  it('put server errors at their field, row by row, and the rest above the form', () => {
    const errors = { url: ['Only http(s)'], 'headers.1.header_name': ['Required'], __webhook: ['Error processing'] };
    expect(errorsAt(errors, 'url')).toEqual(['Only http(s)']);
    expect(errorsAt(errors, 'headers.1')).toEqual(['Required']);
    expect(errorsAt(errors, 'headers.0')).toEqual([]);
    expect(otherErrors(errors)).toEqual(['Error processing']);
  });

  it('refuse a nameless webhook, one without actions and a header without a name before asking the server', () => {
    const problems = draftProblems({ ...draftOf(stored), name: ' ', actions: [], headers: [{ name: '', value: 'v' }] });
    expect(Object.keys(problems).sort()).toEqual(['actions', 'headers.0.header_name', 'name']);
  });
});
