import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, newContext, signIn } from './support/browser.js';
import { startPanelServer, type PanelServer } from './support/panel-server.js';

/** The key flow once more on PostgreSQL, where a regenerated key must stop working on every node at once. */
describe.skipIf(!inject('pgAvailable') || !inject('browserAvailable'))(
  'the API keys page on PostgreSQL',
  { timeout: 60_000 },
  () => {
    let s: PanelServer;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;

    beforeAll(async () => {
      s = await startPanelServer('postgres');
      browser = await launchChromium();
      context = await newContext(browser, s.baseURL);
      page = await context.newPage();
    });

    afterAll(async () => {
      await context?.close();
      await browser?.close();
      await s?.close();
    });

    it('copies the read-write key, uses it, regenerates it and sees the old value refused', async () => {
      await signIn(page);
      await page.goto('/api-keys');
      const rw = page.getByRole('article', { name: 'Read and write API KEY' });
      await rw.getByRole('button', { name: 'Copy' }).click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(s.t.rw);
      const body = {
        name: 'note',
        label: 'Note',
        schemaDefinition: {
          type: 'object',
          allOf: [
            { $ref: '#/components/schemas/AbstractContentTypeSchemaDefinition' },
            { type: 'object', properties: { title: { type: 'string' } } },
          ],
          required: [],
          additionalProperties: false,
        },
        metaDefinition: { order: ['title'], propertiesConfig: { title: { label: 'Title', inputType: 'text', unique: false } } },
      };
      expect((await s.api('POST', '/api/v1/internal/contenttype', s.t.rw, body)).status).toBe(200);

      await rw.getByRole('button', { name: 'Regenerate' }).click();
      await page.getByRole('dialog', { name: 'Regenerate this key?' }).getByRole('button', { name: 'Regenerate' }).click();
      await expect
        .poll(() =>
          page
            .getByRole('status')
            .filter({ hasText: /new value was generated/ })
            .isVisible(),
        )
        .toBe(true);
      expect((await s.api('GET', '/api/v1/internal/contenttype/note', s.t.rw)).status).toBe(401);
      await rw.getByRole('button', { name: 'Copy' }).click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).not.toBe(s.t.rw);
      const fresh = await page.evaluate(() => navigator.clipboard.readText());
      expect((await s.api('GET', '/api/v1/internal/contenttype/note', fresh)).status).toBe(200);
    });
  },
);
