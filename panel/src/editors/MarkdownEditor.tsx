import DOMPurify from 'dompurify';
import { flushSync } from 'react-dom';
import { marked } from 'marked';
import { useDeferredValue, useMemo, useRef, useState } from 'react';
import type { ContentType } from '../api/types.js';
import { Icon } from '../ui/Icon.js';
import { MediaImagePicker, mediaImageUrl } from './MediaImagePicker.js';
import './editors.css';

export interface MarkdownEditorProps {
  id: string;
  describedBy: string | undefined;
  value: string;
  onChange(markdown: string): void;
  readOnly: boolean;
  invalid: boolean;
  required: boolean;
  types: ContentType[];
}

/** Images the Panel's CSP lets the preview load: this server's, and inline ones. */
const SAME_ORIGIN_IMAGE = /^(\/(?!\/)|data:image\/|blob:)/i;

const purify = DOMPurify();
// the preview must not ask the browser for what the CSP refuses: inline styles go, and images from other
// origins are shown as their alternative text with a link
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'IMG') {
    const src = node.getAttribute('src') ?? '';
    if (!SAME_ORIGIN_IMAGE.test(src) && !src.startsWith(`${location.origin}/`)) {
      node.removeAttribute('src');
      node.setAttribute('data-external-src', src);
      node.classList.add('md-external-image');
    }
  }
  if (node.tagName === 'A') node.setAttribute('rel', 'noopener noreferrer');
});

/**
 * Event-handler attributes renamed before DOMPurify parses the HTML: Chromium reports a CSP violation for each one it
 * parses, even in the inert document DOMPurify uses, so hostile Markdown would fill the report log. DOMPurify remains
 * what decides what is shown; this only keeps handlers from being parsed as handlers.
 */
const HANDLER_ATTRIBUTE = /(<[^>]*?[\s/"'])on([a-z]+\s*=)/gi;

/** Markdown as sanitised HTML (GitHub-flavoured, as Flotiq's clients render it). */
export function renderMarkdown(md: string): string {
  const html = marked.parse(md, { async: false, gfm: true, breaks: false });
  // repeated: one tag may hold several handlers
  let defused = html;
  for (let i = 0, before = ''; i < 16 && before !== defused; i++) {
    before = defused;
    defused = defused.replace(HANDLER_ATTRIBUTE, '$1data-blocked-on$2');
  }
  return purify.sanitize(defused, {
    FORBID_ATTR: ['style'],
    FORBID_TAGS: ['style', 'form', 'input', 'button'],
    ALLOW_DATA_ATTR: false,
  });
}

/** What a toolbar button does to the selection: wrap it, or prefix each of its lines. */
type Edit = { wrap: [string, string]; placeholder: string } | { prefix: string | ((i: number) => string) };

const TOOLS: { label: string; text: string; edit: Edit }[] = [
  { label: 'Heading', text: 'H', edit: { prefix: '## ' } },
  { label: 'Bold', text: 'B', edit: { wrap: ['**', '**'], placeholder: 'bold text' } },
  { label: 'Italic', text: 'I', edit: { wrap: ['_', '_'], placeholder: 'italic text' } },
  { label: 'Strikethrough', text: 'S', edit: { wrap: ['~~', '~~'], placeholder: 'struck text' } },
  { label: 'Inline code', text: '<>', edit: { wrap: ['`', '`'], placeholder: 'code' } },
  { label: 'Link', text: 'Link', edit: { wrap: ['[', '](https://)'], placeholder: 'link text' } },
  { label: 'Bulleted list', text: '•≡', edit: { prefix: '- ' } },
  { label: 'Numbered list', text: '1≡', edit: { prefix: (i) => `${i + 1}. ` } },
  { label: 'Quote', text: '❝', edit: { prefix: '> ' } },
  { label: 'Code block', text: '{ }', edit: { wrap: ['```\n', '\n```'], placeholder: 'code' } },
];

/** The text with an edit applied to [start, end), and the selection to set afterwards. */
function apply(text: string, start: number, end: number, edit: Edit): { text: string; start: number; end: number } {
  if ('wrap' in edit) {
    const inner = text.slice(start, end) || edit.placeholder;
    const [a, b] = edit.wrap;
    return {
      text: text.slice(0, start) + a + inner + b + text.slice(end),
      start: start + a.length,
      end: start + a.length + inner.length,
    };
  }
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const lines = text.slice(lineStart, end).split('\n');
  const prefixed = lines.map((l, i) => (typeof edit.prefix === 'string' ? edit.prefix : edit.prefix(i)) + l).join('\n');
  return { text: text.slice(0, lineStart) + prefixed + text.slice(end), start: lineStart, end: lineStart + prefixed.length };
}

/** Markdown with a formatting toolbar, images from the media library and a live, sanitised preview beside it. */
export default function MarkdownEditor({
  id,
  describedBy,
  value,
  onChange,
  readOnly,
  invalid,
  required,
  types,
}: MarkdownEditorProps) {
  const area = useRef<HTMLTextAreaElement>(null);
  const [picking, setPicking] = useState(false);
  const [tab, setTab] = useState<'both' | 'write' | 'preview'>('both');
  const deferred = useDeferredValue(value);
  const preview = useMemo(() => renderMarkdown(deferred), [deferred]);

  const edit = (e: Edit) => {
    const t = area.current;
    if (!t) return;
    // the text as shown, which may be a keystroke ahead of the form's value during a busy moment
    const next = apply(t.value, t.selectionStart, t.selectionEnd, e);
    // the new text is in the textarea before the caret is placed (a later frame would leave the keystrokes typed
    // meanwhile on the toolbar button, or at the end of the text)
    flushSync(() => onChange(next.text));
    t.focus();
    t.setSelectionRange(next.start, next.end);
  };

  return (
    <div className={`editor md-editor md-mode-${tab}${invalid ? ' editor-invalid' : ''}`}>
      <div className="editor-toolbar" role="toolbar" aria-label="Markdown formatting">
        {!readOnly &&
          TOOLS.map((tool) => (
            <button
              key={tool.label}
              type="button"
              className="editor-tool"
              aria-label={tool.label}
              title={tool.label}
              onClick={() => edit(tool.edit)}
            >
              {tool.text}
            </button>
          ))}
        {!readOnly && (
          <button
            type="button"
            className="editor-tool"
            aria-label="Image from the media library"
            title="Image from the media library"
            onClick={() => setPicking(true)}
          >
            <Icon name="image" size={16} />
          </button>
        )}
        <span className="editor-spacer" />
        <div className="md-tabs" role="group" aria-label="Layout">
          {(['write', 'both', 'preview'] as const).map((t) => (
            <button
              key={t}
              type="button"
              className={tab === t ? 'editor-tool editor-tool-active' : 'editor-tool'}
              aria-pressed={tab === t}
              onClick={() => setTab(t)}
            >
              {t === 'write' ? 'Write' : t === 'both' ? 'Side by side' : 'Preview'}
            </button>
          ))}
        </div>
      </div>
      <div className="md-panes">
        <textarea
          ref={area}
          id={id}
          className="mono md-source"
          rows={12}
          value={value}
          readOnly={readOnly}
          onChange={(e) => onChange(e.target.value)}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          aria-required={required}
        />
        <div
          className="md-preview rendered"
          aria-label="Preview"
          role="region"
          // sanitised by DOMPurify in renderMarkdown
          dangerouslySetInnerHTML={{ __html: preview }}
        />
      </div>
      {picking && (
        <MediaImagePicker
          types={types}
          onClose={() => setPicking(false)}
          onPick={(m) => {
            setPicking(false);
            const alt = (m.alt || m.fileName || 'image').replace(/[[\]]/g, '');
            const t = area.current;
            const text = t ? t.value : value;
            const at = t ? t.selectionEnd : text.length;
            const image = `![${alt}](${mediaImageUrl(m)})`;
            onChange(text.slice(0, at) + image + text.slice(at));
          }}
        />
      )}
    </div>
  );
}
