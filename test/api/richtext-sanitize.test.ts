import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServer, stopServer } from '../cli/cli-harness.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, text, type FieldSpec } from '../support/fixtures.js';
import { panelCall, panelLogin, useTestApp, type TestApp } from '../support/test-app.js';

const C = '/api/v1/content';

const richtext = (): FieldSpec => ({ type: 'string', inputType: 'richtext' });
const markdown = (): FieldSpec => ({ type: 'string', inputType: 'textMarkdown' });
/** A list whose items hold rich text. */
const sections = (): FieldSpec => ({
  type: 'array',
  inputType: 'object',
  extraSchema: { items: { type: 'object', properties: { heading: { type: 'string' }, body: { type: 'string' } } } },
  extraMeta: {
    items: {
      order: ['heading', 'body'],
      propertiesConfig: {
        heading: { label: 'Heading', inputType: 'text', unique: false },
        body: { label: 'Body', inputType: 'richtext', unique: false },
      },
    },
  },
});

const articleType = ctd('article', {
  title: text({ required: true, isTitlePart: true }),
  body: richtext(),
  notes: markdown(),
  sections: sections(),
});

/** Hostile rich text, each with what must not survive it. */
const HOSTILE = `<p>Hello</p><script>alert(1)</script><img src="x.png" onerror="alert(2)"><a href="javascript:alert(3)">click</a><svg onload="alert(4)"><circle r="1"></circle></svg>`;

/** Everything an editor makes, in the form browsers write it: stored exactly as sent. */
const ORDINARY = [
  '<h1>Title</h1><h2>Sub</h2><h3>Third</h3>',
  '<p>Some <strong>bold</strong>, <em>italic</em>, <u>underlined</u>, <s>struck</s> and <code>code</code> &amp; &lt;escaped&gt; text&nbsp;here<br>next line</p>',
  '<ul><li><p>one</p></li><li><p>two</p></li></ul><ol start="3"><li><p>three</p></li></ol>',
  '<blockquote><p>A quote</p></blockquote><pre><code class="language-js">if (a &lt; b) return;</code></pre><hr>',
  '<table><tbody><tr><th colspan="1" rowspan="1"><p>Head</p></th><th><p>Two</p></th></tr><tr><td><p>a</p></td><td><p>b</p></td></tr></tbody></table>',
  '<p><a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer nofollow">a link</a> <a href="mailto:a@b.test">mail</a> <a href="/relative">rel</a></p>',
  '<p><img src="/image/0x0/_media-1.png" alt="A &quot;cat&quot;"><img src="https://cdn.example.com/x.jpg" width="200" height="100"></p>',
  '<p style="text-align: center" class="lead">Centred</p><figure><img src="/a.png"><figcaption>Caption</figcaption></figure>',
  'No markup at all, with 3 &gt; 2 and 1 &lt; 2.',
  'Plain text, no angle brackets: javascript:alert(1) is just words here.',
];

function assertClean(stored: string): void {
  expect(stored).not.toMatch(/<script/i);
  expect(stored).not.toMatch(/\son[a-z]+\s*=/i);
  expect(stored).not.toMatch(/javascript:/i);
  expect(stored).not.toMatch(/<svg/i);
}

describe.each(dialectsUnderTest())('rich text sanitised on every write on %s', (dialect) => {
  const t = useTestApp(dialect);
  const get = async (id: string) => (await t().call('GET', `${C}/article/${id}`, { key: t().rw })).json();

  beforeAll(async () => {
    const res = await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: articleType });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('a single create stores the rich text without script, handlers, javascript: links or svg', async () => {
    const res = await t().call('POST', `${C}/article`, { key: t().rw, body: { id: 'a1', title: 'One', body: HOSTILE } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().body).toBe('<p>Hello</p><img src="x.png"><a>click</a>');
    expect((await get('a1')).body).toBe('<p>Hello</p><img src="x.png"><a>click</a>');
  });

  it('PUT, PATCH, batch (create and updateExisting) and the Panel mount sanitise too', async () => {
    await t().call('POST', `${C}/article`, { key: t().rw, body: { id: 'a2', title: 'Two' } });
    const put = await t().call('PUT', `${C}/article/a2`, { key: t().rw, body: { id: 'a2', title: 'Two', body: HOSTILE } });
    expect(put.statusCode, put.body).toBe(200);
    assertClean((await get('a2')).body);

    const patch = await t().call('PATCH', `${C}/article/a2`, { key: t().rw, body: { body: `<b onclick="x()">b</b>` } });
    expect(patch.statusCode, patch.body).toBe(200);
    expect((await get('a2')).body).toBe('<b>b</b>');

    const batch = await t().call('POST', `${C}/article/batch`, {
      key: t().rw,
      body: [
        { id: 'b1', title: 'B1', body: HOSTILE },
        { id: 'b2', title: 'B2', body: '<p>fine</p>' },
      ],
    });
    expect(batch.json()).toMatchObject({ batch_success_count: 2, batch_error_count: 0 });
    assertClean((await get('b1')).body);
    expect((await get('b2')).body).toBe('<p>fine</p>');

    const upsert = await t().call('POST', `${C}/article/batch?updateExisting=true`, {
      key: t().rw,
      body: [{ id: 'b2', title: 'B2', body: `<p>again</p><iframe src="javascript:alert(1)"></iframe>` }],
    });
    expect(upsert.json()).toMatchObject({ batch_success_count: 1 });
    expect((await get('b2')).body).toBe('<p>again</p><iframe></iframe>');

    const s = await panelLogin(t());
    const panel = await panelCall(t(), s, 'POST', '/panel/api/v1/content/article', { id: 'p1', title: 'P', body: HOSTILE });
    expect(panel.statusCode, panel.body).toBe(200);
    assertClean((await get('p1')).body);
  });

  it('rich text inside list items is sanitised; Markdown and text fields are left alone', async () => {
    const res = await t().call('POST', `${C}/article`, {
      key: t().rw,
      body: {
        id: 'l1',
        title: '<script>a title is text</script>',
        notes: '<script>markdown is not HTML here</script>',
        sections: [{ heading: 'H', body: '<p>ok</p><img src=x onerror=alert(1)>' }, { heading: 'no body' }],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const o = await get('l1');
    expect(o.sections).toEqual([{ heading: 'H', body: '<p>ok</p><img src="x">' }, { heading: 'no body' }]);
    expect(o.title).toBe('<script>a title is text</script>');
    expect(o.notes).toBe('<script>markdown is not HTML here</script>');
  });

  it('ordinary HTML (headings, marks, lists, quotes, code, tables, links, images) round-trips unchanged', async () => {
    for (const [i, html] of ORDINARY.entries()) {
      const res = await t().call('POST', `${C}/article`, { key: t().rw, body: { id: `o${i}`, title: `O${i}`, body: html } });
      expect(res.statusCode, res.body).toBe(200);
      expect((await get(`o${i}`)).body, html).toBe(html);
    }
    // a bare '<' in text is written the way a browser writes it
    await t().call('POST', `${C}/article`, { key: t().rw, body: { id: 'lt', title: 'lt', body: '1 < 2 and 3 > 2' } });
    expect((await get('lt')).body).toBe('1 &lt; 2 and 3 &gt; 2');
    // saving an untouched object again writes nothing new
    const before = await get('o1');
    const again = await t().call('PUT', `${C}/article/o1`, { key: t().rw, body: before });
    expect(again.statusCode).toBe(200);
    expect((await get('o1')).internal.updatedAt).toBe(before.internal.updatedAt);
  });
});

describe.each(dialectsUnderTest())('FLOTILLA_SANITIZE_RICHTEXT=0 on %s', (dialect) => {
  const t = useTestApp(dialect, { FLOTILLA_SANITIZE_RICHTEXT: '0' });

  it('stores rich text exactly as sent, for teams that embed scripts on purpose', async () => {
    await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body: articleType });
    const res = await t().call('POST', `${C}/article`, { key: t().rw, body: { id: 'x', title: 'X', body: HOSTILE } });
    expect(res.statusCode, res.body).toBe(200);
    expect((await t().call('GET', `${C}/article/x`, { key: t().rw })).json().body).toBe(HOSTILE);
  });
});

describe.each(dialectsUnderTest())('rich text sanitised through flotilla import on %s', (dialect) => {
  let t: TestApp & { url: string };
  const dir = mkdtempSync(path.join(tmpdir(), 'flotilla-richtext-import-'));

  beforeAll(async () => {
    t = await startServer(dialect);
    // a flotilla-cli export folder: the type's definition and its objects, one JSON object per line
    const folder = path.join(dir, 'ContentTypeArticle');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'ContentTypeDefinition.json'), JSON.stringify(articleType));
    const lines = [
      { id: 'i1', title: 'Hostile', body: HOSTILE },
      { id: 'i2', title: 'Ordinary', body: ORDINARY[4] },
    ].map((o) => JSON.stringify(o));
    writeFileSync(path.join(folder, 'contentObjectArticle.json'), `${lines.join('\n')}\n`);
  });

  afterAll(async () => {
    await stopServer(t);
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores imported rich text without script, handlers or javascript: links, and ordinary HTML unchanged', async () => {
    const r = await runCli(['import', dir, '--url', t.url, '--key', t.rw]);
    expect(r.code, r.stderr).toBe(0);
    const get = async (id: string) => (await t.call('GET', `${C}/article/${id}`, { key: t.rw })).json();
    expect((await get('i1')).body).toBe('<p>Hello</p><img src="x.png"><a>click</a>');
    expect((await get('i2')).body).toBe(ORDINARY[4]);
  });
});
