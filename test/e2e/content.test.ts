import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { ctd, text } from '../support/fixtures.js';
import { launchChromium, newContext, signIn, snap, watchErrors } from './support/browser.js';
import { startPanelServer, type PanelServer } from './support/panel-server.js';

type Json = Record<string, unknown>;

/** Content types and content through the Panel's forms, read back through the API with the read-only key. */
describe.skipIf(!inject('browserAvailable'))('content types and content', { timeout: 90_000 }, () => {
  let s: PanelServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let objectId = '';

  beforeAll(async () => {
    s = await startPanelServer('sqlite');
    expect(
      (
        await s.api(
          'POST',
          '/api/v1/internal/contenttype',
          s.t.rw,
          ctd('category', { name: text({ required: true, isTitlePart: true }) }),
        )
      ).status,
    ).toBe(200);
    expect((await s.api('POST', '/api/v1/content/category', s.t.rw, { id: 'cat-tech', name: 'Tech' })).status).toBe(200);
    expect((await s.api('POST', '/api/v1/content/category', s.t.rw, { id: 'cat-food', name: 'Food' })).status).toBe(200);
    browser = await launchChromium();
    context = await newContext(browser, s.baseURL);
    page = await context.newPage();
    errors = watchErrors(page);
    await signIn(page);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await s?.close();
  });

  const notice = (t: string | RegExp) => page.getByRole('status').filter({ hasText: t });
  const visible = (l: Locator) => expect.poll(() => l.isVisible()).toBe(true);
  /** The n-th field card of the type (top level). */
  const field = (n: number) => page.getByRole('group', { name: `Field ${n}`, exact: true }).first();

  async function addField(n: number, label: string, type: string): Promise<Locator> {
    await page.getByRole('button', { name: 'Add field' }).click();
    const f = field(n);
    await f.getByLabel('Label').fill(label);
    await f.getByLabel('Type').selectOption({ label: type });
    return f;
  }

  it('creates a content type with every input type through the form; errors show at their field', async () => {
    await page.getByRole('link', { name: 'Content types' }).click();
    await visible(page.getByRole('heading', { name: 'Content types', level: 1 }));
    await page.getByRole('link', { name: 'New content type' }).first().click();
    const type = page.getByRole('region', { name: 'Content type' });
    await type.getByLabel('Label').fill('Blog post');
    expect(await type.getByLabel('API name').inputValue()).toBe('blog_post');

    const title = field(1);
    await title.getByLabel('Label').fill('Title');
    expect(await title.getByLabel('Field name').inputValue()).toBe('title');
    await title.getByLabel('Required').check();
    await title.getByLabel('Part of the title').check();
    await title.getByLabel('Pattern (regular expression)').fill('(');

    await addField(2, 'Body', 'Long text');
    await addField(3, 'Price', 'Number');
    await addField(4, 'Published', 'Checkbox');
    await addField(5, 'Tags', 'Simple list');
    const category = await addField(6, 'Category', 'Relation (or media)');
    await category.getByLabel('Related type').selectOption({ label: 'Category' });
    const cover = await addField(7, 'Cover', 'Relation (or media)');
    await cover.getByLabel('Related type').selectOption({ label: 'Media (internal)' });
    await cover.getByLabel('Several objects').uncheck();
    const sections = await addField(8, 'Sections', 'List');
    await sections.getByRole('button', { name: 'Add sub-field' }).click();
    await sections.getByRole('group', { name: 'Field 1' }).getByLabel('Label').fill('Heading');
    const kind = await addField(9, 'Kind', 'Radio');
    await kind.getByLabel('Options').fill('news\nreview');
    const when = await addField(10, 'Published on', 'Date and time');
    await when.getByLabel('With time').check();
    await addField(11, 'Location', 'Geolocation');
    await addField(12, 'Content', 'Block editor');
    await addField(13, 'Extra', 'Custom (JSON)');
    await addField(14, 'Summary', 'Markdown');
    await addField(15, 'Intro', 'Rich text');
    await addField(16, 'Contact', 'E-mail');
    const genre = await addField(17, 'Genre', 'Select');
    await genre.getByLabel('Options').fill('fiction\nscience');
    await genre.getByLabel('Several values').check();
    await snap(page, 'content-type-editor');

    // the server refuses the pattern: its message is shown at the Pattern input of the Title field
    await page.getByRole('button', { name: 'Save' }).first().click();
    const pattern = title.getByLabel('Pattern (regular expression)');
    await expect.poll(() => pattern.getAttribute('aria-invalid')).toBe('true');
    expect(await title.textContent()).toContain('Pattern is not a valid regular expression');
    await snap(page, 'content-type-editor-error');

    await pattern.fill('');
    await page.getByRole('button', { name: 'Save' }).first().click();
    await visible(notice('The content type “Blog post” was created.'));
    await expect.poll(() => new URL(page.url()).pathname).toBe('/content-types/blog_post');

    const res = await s.api('GET', '/api/v1/internal/contenttype/blog_post', s.t.ro);
    expect(res.status).toBe(200);
    const got = res.json as {
      label: string;
      metaDefinition: { order: string[]; propertiesConfig: Record<string, Json> };
      schemaDefinition: { required: string[] };
    };
    expect(got.label).toBe('Blog post');
    const order = [
      'title',
      'body',
      'price',
      'published',
      'tags',
      'category',
      'cover',
      'sections',
      'kind',
      'publishedOn',
      'location',
      'content',
      'extra',
      'summary',
      'intro',
      'contact',
      'genre',
    ];
    expect(got.metaDefinition.order).toEqual(order);
    const types = order.map((n) => got.metaDefinition.propertiesConfig[n].inputType);
    expect(new Set(types).size).toBe(16);
    expect(got.schemaDefinition.required).toEqual(['title']);
    expect(got.metaDefinition.propertiesConfig.category.validation).toEqual({
      relationContenttype: 'category',
      relationMultiple: true,
    });
    expect(got.metaDefinition.propertiesConfig.cover.validation).toEqual({
      relationContenttype: '_media',
      relationMultiple: false,
    });
    expect((got.metaDefinition.propertiesConfig.sections.items as { order: string[] }).order).toEqual(['heading']);
    expect(got.metaDefinition.propertiesConfig.genre).toMatchObject({ options: ['fiction', 'science'], multiple: true });
  });

  it('shows the server refusing a taken name at the API name field', async () => {
    await page.goto('/content-types/new');
    const type = page.getByRole('region', { name: 'Content type' });
    await type.getByLabel('Label').fill('Category');
    await field(1).getByLabel('Label').fill('Name');
    await page.getByRole('button', { name: 'Save' }).first().click();
    await expect.poll(() => type.getByLabel('API name').getAttribute('aria-invalid')).toBe('true');
    expect(await type.textContent()).toContain('This value is already used');
  });

  it('creates an object through the generated form and reads it back through the API', async () => {
    await page.getByRole('link', { name: 'Content', exact: true }).click();
    await page.getByRole('link', { name: /Blog post/ }).click();
    await visible(page.getByRole('heading', { name: 'Blog post', level: 1 }));
    await page.getByRole('link', { name: 'New object' }).click();
    const form = page.locator('form');
    await visible(form.getByLabel('Title'));

    // a required field left empty: the server's message appears under it
    await form.getByRole('button', { name: 'Save' }).first().click();
    await expect.poll(() => form.getByLabel('Title').getAttribute('aria-invalid')).toBe('true');

    await form.getByLabel('Title').fill('Hello world');
    await form.getByLabel('Body').fill('First post');
    await form.getByLabel('Price').fill('12.5');
    await form.getByLabel('Published', { exact: true }).check();
    await form.getByLabel('Tags').fill('news\nfeatured');
    await form.getByRole('group', { name: 'Category' }).getByRole('button', { name: 'Choose objects' }).click();
    const picker = page.getByRole('dialog', { name: /Choose for “Category”/ });
    await picker.getByLabel('Tech').check();
    await snap(page, 'content-relation-picker');
    await picker.getByRole('button', { name: /Add 1 selected/ }).click();
    await visible(form.getByRole('group', { name: 'Category' }).getByText('Tech'));
    const sections = form.getByRole('group', { name: 'Sections' });
    await sections.getByRole('button', { name: 'Add item' }).click();
    await sections.getByLabel('Heading').fill('Intro');
    await form.getByRole('group', { name: 'Kind' }).getByLabel('review').check();
    await form.getByLabel('Published on').fill('2024-05-01T10:30');
    await form.getByLabel('Latitude').fill('52.2');
    await form.getByLabel('Longitude').fill('21');
    // Editor.js: the first (empty) paragraph block takes the text
    await form.locator('.block-editor .ce-paragraph').first().click();
    await page.keyboard.type('A paragraph');
    await form.getByLabel('Extra').fill('{"a": 1}');
    await form.getByLabel('Summary').fill('# Hi');
    await form.getByRole('textbox', { name: 'Intro' }).fill('Hi');
    await form.getByLabel('Contact').fill('editor@example.test');
    await form.getByRole('group', { name: 'Genre' }).getByLabel('science').check();
    await snap(page, 'content-editor');
    await form.getByRole('button', { name: 'Save' }).first().click();
    await visible(notice('The object was created.'));
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/content\/blog_post\/object\//);
    objectId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);

    const res = await s.api('GET', `/api/v1/content/blog_post/${encodeURIComponent(objectId)}`, s.t.ro);
    expect(res.status).toBe(200);
    const o = res.json as Json;
    expect(o).toMatchObject({
      title: 'Hello world',
      body: 'First post',
      price: 12.5,
      published: true,
      tags: ['news', 'featured'],
      category: [{ dataUrl: '/api/v1/content/category/cat-tech', type: 'internal' }],
      sections: [{ heading: 'Intro' }],
      kind: 'review',
      publishedOn: '2024-05-01T10:30',
      location: { lat: 52.2, lon: 21 },
      extra: { a: 1 },
      summary: '# Hi',
      intro: '<p>Hi</p>',
      contact: 'editor@example.test',
      genre: ['science'],
    });
    expect((o.content as { blocks: { type: string; data: Json }[] }).blocks).toMatchObject([
      { type: 'paragraph', data: { text: 'A paragraph' } },
    ]);
  });

  it('edits the object; the API sees the change', async () => {
    const form = page.locator('form');
    await form.getByLabel('Price').fill('20');
    await visible(page.getByText('Unsaved changes'));
    await form.getByRole('button', { name: 'Save' }).first().click();
    await visible(notice('The object was saved.'));
    const res = await s.api('GET', `/api/v1/content/blog_post/${encodeURIComponent(objectId)}`, s.t.ro);
    expect((res.json as Json).price).toBe(20);
  });

  it('lists, searches, filters and deletes objects', async () => {
    for (const title of ['Second post', 'Third post']) {
      expect((await s.api('POST', '/api/v1/content/blog_post', s.t.rw, { title, price: 5 })).status).toBe(200);
    }
    await page.goto('/content/blog_post');
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    await snap(page, 'content-list');
    await page.getByLabel('Search Blog post').fill('hird');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Third post');
    await page.getByLabel('Search Blog post').fill('');
    await expect.poll(() => rows.count()).toBe(3);

    await page.getByRole('button', { name: 'Add filter' }).click();
    const filter = page.getByRole('group', { name: 'Filter 1' });
    await filter.getByLabel('Filter field').selectOption({ label: 'Price' });
    await filter.getByLabel('Condition').selectOption({ label: 'greater than' });
    await filter.getByLabel('Value').fill('10');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Hello world');
    await filter.getByRole('button', { name: 'Remove filter' }).click();
    await expect.poll(() => rows.count()).toBe(3);

    await page.getByRole('button', { name: 'Delete Hello world' }).click();
    await page.getByRole('dialog', { name: 'Delete this object?' }).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    expect((await s.api('GET', `/api/v1/content/blog_post/${encodeURIComponent(objectId)}`, s.t.ro)).status).toBe(404);
    await snap(page, 'content-types');
    expect(errors).toEqual([]);
  });
});
