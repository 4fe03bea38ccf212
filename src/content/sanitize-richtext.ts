import sanitizeHtml from 'sanitize-html';
import { describeListItems } from '../content-types/describe-fields.js';
import type { FieldInfo } from '../content-types/content-type.js';
import type { LoadedType } from '../content-types/type-registry.js';

/**
 * What rich text may hold: the formatting an editor produces (headings, emphasis, lists, quotes, code, tables,
 * links, images, embeds) with its presentational attributes. No script, no event handler, no `javascript:` or other
 * scheme that runs code: sanitize-html drops every tag and attribute not listed here and every URL whose scheme is
 * not allowed (after decoding entities, so encoded schemes are caught too).
 */
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    ...sanitizeHtml.defaults.allowedTags,
    'h1',
    'img',
    'picture',
    'source',
    'figure',
    'figcaption',
    'u',
    's',
    'del',
    'ins',
    'mark',
    'span',
    'sub',
    'sup',
    'colgroup',
    'col',
    'iframe',
    'video',
    'audio',
  ],
  allowedAttributes: {
    '*': ['class', 'id', 'title', 'lang', 'dir', 'style', 'role', 'data-*', 'aria-*'],
    a: ['href', 'name', 'target', 'rel'],
    img: ['src', 'srcset', 'sizes', 'alt', 'width', 'height', 'loading'],
    source: ['src', 'srcset', 'sizes', 'media', 'type'],
    iframe: ['src', 'width', 'height', 'allow', 'allowfullscreen', 'frameborder', 'loading', 'referrerpolicy'],
    video: ['src', 'poster', 'width', 'height', 'controls', 'loop', 'muted', 'playsinline'],
    audio: ['src', 'controls', 'loop', 'muted'],
    ol: ['start', 'type', 'reversed'],
    li: ['value'],
    td: ['colspan', 'rowspan', 'headers'],
    th: ['colspan', 'rowspan', 'headers', 'scope'],
    col: ['span', 'width'],
    colgroup: ['span'],
    table: ['width'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel', 'ftp'],
  // images may be inlined (an <img> never runs what it shows); nothing else may use data: URLs
  allowedSchemesByTag: { img: ['http', 'https', 'data'], source: ['http', 'https', 'data'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'poster'],
  allowProtocolRelative: true,
  // elements whose content is raw text or a fallback: dropped, so sanitising twice cannot re-escape it
  nonTextTags: ['script', 'style', 'textarea', 'option', 'xmp', 'noembed', 'noframes', 'noscript', 'title', 'plaintext'],
  // an iframe's content is raw text a browser never shows: dropped too
  textFilter: (text, tag) => (tag === 'iframe' ? '' : text),
  // kept as written (re-printing it through a CSS parser would change content that is not dangerous), unless it
  // could load or run anything: then it goes (see harmlessAttributes)
  parseStyleAttributes: false,
  transformTags: { '*': (tagName, attribs) => ({ tagName, attribs: harmlessAttributes(tagName, attribs) }) },
};

/** CSS that can reach out: url(), image-set(), imports, old script hooks, and escapes that could spell them. */
const RISKY_STYLE = /url\s*\(|image-set|@import|expression|behavior|binding|javascript|\\/i;
/** Inline images of raster types (an SVG may carry scripts and handlers, even if an <img> never runs them). */
const RASTER_DATA = /^data:image\/(png|jpe?g|gif|webp|avif|bmp);/i;

/** Attributes holding a URL (sanitize-html checks their scheme; these are checked for what hides a scheme too). */
const URL_ATTRIBUTES = ['href', 'src', 'cite', 'poster', 'srcset'];
/**
 * A URL no one writes on purpose: raw angle brackets (a real URL escapes them), or a script scheme anywhere in it
 * once spaces and control characters are gone (`<javascript:…` is a harmless relative URL to a browser today, but
 * nothing legitimate looks like it, and one parser's relative path is another's scheme).
 */
const URL_SMUGGLING = /[<>]|(?:java|vb)script:/i;

/**
 * Drops a risky style attribute, URLs that smuggle markup or a script scheme, and data: sources that are not raster
 * images (values arrive entity-decoded).
 */
function harmlessAttributes(tag: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Attributes {
  const out = { ...attribs };
  for (const a of URL_ATTRIBUTES) {
    if (out[a] !== undefined && URL_SMUGGLING.test(out[a].replace(/[\s\u0000-\u001f]+/g, ''))) delete out[a];
  }
  if (out.style !== undefined && RISKY_STYLE.test(out.style)) delete out.style;
  for (const a of ['src', 'srcset']) {
    const v = out[a]?.trim();
    if (v && /^data:/i.test(v) && !((tag === 'img' || tag === 'source') && RASTER_DATA.test(v))) delete out[a];
  }
  return out;
}

/**
 * One rich-text value as it may be stored. The output is sanitize-html's canonical form, with void elements written
 * as HTML (`<br>`, not `<br />`) and no-break spaces as `&nbsp;` — as browsers and the Panel's editor write them —
 * so ordinary HTML round-trips unchanged and sanitising twice changes nothing. Text without `<` cannot hold markup
 * and is returned as it is (the common case costs one scan).
 */
export function sanitizeRichtext(html: string): string {
  if (!html.includes('<')) return html;
  // Malformed markup can come out in a shape the parser reads differently the next time (a <p> left inside a <p>);
  // what changed is passed again until it stands still, so a stored value is always a fixed point. Clean HTML comes
  // back unchanged from the first pass and costs one.
  let before = html;
  let out = sanitizeOnce(html);
  for (let i = 0; i < 4 && out !== before; i++) {
    before = out;
    out = sanitizeOnce(out);
  }
  return out;
}

function sanitizeOnce(html: string): string {
  // every '<' and '>' in text and attribute values comes out escaped, so ' />' only ever closes a void element
  return sanitizeHtml(html, OPTIONS).replaceAll(' />', '>').replaceAll('\u00a0', '&nbsp;');
}

/** Where a type's rich text lives: its richtext fields, and those inside the items of its list fields. */
type Plan = readonly ({ name: string; kind: 'html' } | { name: string; kind: 'list'; items: Plan })[];

const plans = new WeakMap<LoadedType, Plan>();

function planOf(fields: readonly FieldInfo[]): Plan {
  const out: Plan[number][] = [];
  for (const f of fields) {
    if (f.inputType === 'richtext') out.push({ name: f.name, kind: 'html' });
    else if (f.inputType === 'object') {
      const items = planOf(describeListItems(f));
      if (items.length) out.push({ name: f.name, kind: 'list', items });
    }
  }
  return out;
}

function apply(plan: Plan, data: Record<string, unknown>): Record<string, unknown> {
  let out = data;
  for (const step of plan) {
    const v = data[step.name];
    let next: unknown = v;
    if (step.kind === 'html' && typeof v === 'string') next = sanitizeRichtext(v);
    else if (step.kind === 'list' && Array.isArray(v)) {
      const items = v.map((item: unknown) =>
        item && typeof item === 'object' && !Array.isArray(item) ? apply(step.items, item as Record<string, unknown>) : item,
      );
      if (items.some((item, i) => item !== v[i])) next = items;
    }
    if (next !== v) {
      if (out === data) out = { ...data };
      out[step.name] = next;
    }
  }
  return out;
}

/**
 * The object with every rich-text value of its type sanitised (top level and inside list items). Answers `data`
 * itself when nothing changed; never changes `data`.
 */
export function sanitizeRichtextFields(t: LoadedType, data: Record<string, unknown>): Record<string, unknown> {
  let plan = plans.get(t);
  if (!plan) plans.set(t, (plan = planOf(t.fields)));
  return plan.length ? apply(plan, data) : data;
}
