import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { sanitizeRichtext } from '../../src/content/sanitize-richtext.js';
import { dialectsUnderTest } from '../support/databases.js';
import { ctd, text } from '../support/fixtures.js';
import { useTestApp } from '../support/test-app.js';

const C = '/api/v1/content';

/** Tricks that have got past sanitisers: nesting, encodings, parser quirks, odd schemes and namespaces. */
const PAYLOADS = [
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '<<script>script>alert(1)<</script>/script>',
  '<script src="//evil.test/x.js"></script>',
  '<SCRIPT>alert(1)</SCRIPT>',
  '<img src=x onerror=alert(1)//>',
  '<img src="x" OnErRoR="alert(1)">',
  '<img/src=x/onerror=alert(1)>',
  '<img src=x onerror\t=alert(1)>',
  '<img src="javascript:alert(1)">',
  '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="JaVaScRiPt:alert(1)">x</a>',
  '<a href=" \tjavascript:alert(1)">x</a>',
  '<a href="java\tscript:alert(1)">x</a>',
  '<a href="java&#x09;script:alert(1)">x</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
  '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
  '<a href="jav&#x0A;ascript:alert(1)">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  // found by the random soups below (CI, seed 808451089): a scheme behind a '<' in an unquoted value
  '<a href=<javascript:<script>',
  '<a href="<javascript:alert(1)">x</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<a href="javascript&#58;alert(1)">x</a>',
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
  '<iframe src="data:text/html,<script>alert(1)</script>"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<form action="javascript:alert(1)"><button>go</button></form>',
  '<button formaction="javascript:alert(1)">go</button>',
  '<input onfocus=alert(1) autofocus>',
  '<details open ontoggle=alert(1)>',
  '<body onload=alert(1)>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '<link rel="stylesheet" href="javascript:alert(1)">',
  '<style>@import "javascript:alert(1)";</style>',
  '<div style="background:url(javascript:alert(1))" onmouseover="alert(1)">x</div>',
  '<p title="</p><script>alert(1)</script>">x</p>',
  '<!--<img src=x onerror=alert(1)>-->',
  '<![CDATA[<script>alert(1)</script>]]>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<textarea><script>alert(1)</script></textarea>',
  '<xmp><script>alert(1)</script></xmp>',
  '<template><script>alert(1)</script></template>',
  '<video><source onerror=alert(1)></video>',
  '<video poster="javascript:alert(1)"></video>',
  '<a href="https://ok.test" onclick="alert(1)">x</a>',
  '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
  '<p><img</p><p>',
  '<p style="color:red;background-image:url(&quot;javascript:alert(1)&quot;)">x</p>',
  '<p style="background:u\\72l(javascript:alert(1))">x</p>',
  '<img srcset="javascript:alert(1) 1x, x.png 2x">',
  '<img src="data:text/html;base64,PHNjcmlwdD4=">',
  '<img src="data:image/png;base64,iVBORw0KGgo=" onload="alert(1)">',
];

const URL_ATTRIBUTES = new Set(['href', 'src', 'srcset', 'poster', 'action', 'formaction', 'background', 'cite', 'xlink:href']);
const FORBIDDEN_TAGS =
  /^(script|svg|math|style|object|embed|form|base|meta|link|body|input|button|template|xmp|noscript|textarea)$/i;

/**
 * What no stored rich text may hold, read from its tags: in the canonical output every '<' of text and every '>' of
 * an attribute value is escaped, so each `<name …>` is a real tag and its attributes are `name="value"`.
 */
function assertHarmless(html: string): void {
  for (const tag of html.matchAll(/<([a-zA-Z][\w:-]*)([^>]*)>/g)) {
    expect(tag[1], html).not.toMatch(FORBIDDEN_TAGS);
    for (const a of tag[2].matchAll(/\s([^\s="]+)(?:="([^"]*)")?/g)) {
      const [name, value = ''] = [a[1].toLowerCase(), a[2]];
      expect(name, html).not.toMatch(/^on/);
      expect(name, html).not.toBe('srcdoc');
      const decoded = value.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
      if (URL_ATTRIBUTES.has(name)) {
        expect(decoded, html).not.toMatch(/^\s*(javascript|vbscript|data:(?!image\/(png|jpe?g|gif|webp|avif|bmp);))/i);
        expect(decoded, html).not.toMatch(/javascript:/i);
      }
      if (name === 'style') expect(decoded, html).not.toMatch(/url\s*\(|javascript|expression|\\/i);
    }
  }
}

describe('hostile rich text (the sanitiser alone)', () => {
  it('every known trick comes out harmless, and sanitising it again changes nothing', () => {
    for (const p of PAYLOADS) {
      const out = sanitizeRichtext(p);
      assertHarmless(out);
      expect(sanitizeRichtext(out), p).toBe(out);
    }
  });

  it('random soups of tags, attributes, schemes and entities come out harmless and stable', () => {
    const piece = fc.constantFrom(
      '<',
      '>',
      '</',
      '/>',
      '<script>',
      '</script>',
      '<img',
      '<a',
      '<svg',
      '<p>',
      '</p>',
      '<iframe',
      '<style>',
      ' src=',
      ' href=',
      ' onerror=',
      ' onload=',
      ' on',
      'error',
      '=',
      '"',
      "'",
      'javascript:',
      'java',
      'script:',
      '&#106;',
      '&#x09;',
      '&colon;',
      '&lt;',
      '&gt;',
      'alert(1)',
      '\t',
      '\n',
      ' ',
      'x',
      '<!--',
      '-->',
      '<![CDATA[',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const out = sanitizeRichtext(pieces.join(''));
        assertHarmless(out);
        expect(sanitizeRichtext(out)).toBe(out);
      }),
      { numRuns: 5000 },
    );
  });
});

describe.each(dialectsUnderTest())('hostile rich text through the API on %s', (dialect) => {
  const t = useTestApp(dialect);

  beforeAll(async () => {
    const body = ctd('post', { title: text({ required: true }), body: { type: 'string', inputType: 'richtext' } });
    expect((await t().call('POST', '/api/v1/internal/contenttype', { key: t().rw, body })).statusCode).toBe(200);
  });

  it('no trick reaches storage, through one batch of all of them or each on its own', async () => {
    const items = PAYLOADS.map((p, i) => ({ id: `p${i}`, title: `P${i}`, body: p }));
    const batch = await t().call('POST', `${C}/post/batch`, { key: t().rw, body: items });
    expect(batch.json()).toMatchObject({ batch_success_count: PAYLOADS.length, batch_error_count: 0 });
    const single = await t().call('POST', `${C}/post`, {
      key: t().rw,
      body: { id: 'joined', title: 'J', body: PAYLOADS.join('') },
    });
    expect(single.statusCode, single.body).toBe(200);
    const list = await t().call('GET', `${C}/post?limit=1000`, { key: t().rw });
    const stored = (list.json().data as { body: string }[]).map((o) => o.body);
    expect(stored).toHaveLength(PAYLOADS.length + 1);
    for (const s of stored) assertHarmless(s);
  });
});
