import Image from '@tiptap/extension-image';
import { Table, TableCell, TableHeader, TableRow } from '@tiptap/extension-table';
import { EditorContent, mergeAttributes, useEditor, useEditorState, type Editor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { ContentType } from '../api/types.js';
import { Icon } from '../ui/Icon.js';
import { Modal } from '../ui/Modal.js';
import { MediaImagePicker, mediaImageUrl } from './MediaImagePicker.js';
import './editors.css';

/**
 * Tables as plain HTML: no width style or colgroup (TipTap's default adds them; the stored HTML would change for a
 * table nobody resized) and no resizing node view.
 */
const PlainTable = Table.extend({
  renderHTML({ HTMLAttributes }) {
    return ['table', mergeAttributes(this.options.HTMLAttributes, HTMLAttributes), ['tbody', 0]];
  },
}).configure({ resizable: false, View: null });

const EXTENSIONS = [
  StarterKit.configure({
    heading: { levels: [1, 2, 3, 4] },
    // it appends an empty paragraph after a closing table or image as soon as the text is shown: stored rich text
    // would change without anyone editing it
    trailingNode: false,
    link: { openOnClick: false, autolink: true, defaultProtocol: 'https' },
  }),
  Image.configure({ inline: true, allowBase64: false }),
  PlainTable,
  TableRow,
  TableHeader,
  TableCell,
];

export interface RichTextEditorProps {
  /** Ids of the field's label and help, for the editable area's name and description. */
  labelId: string;
  describedBy: string | undefined;
  value: string;
  onChange(html: string): void;
  readOnly: boolean;
  invalid: boolean;
  types: ContentType[];
}

/** What the toolbar shows as active, read from the editor on each change of its state. */
function useToolbarState(editor: Editor) {
  return useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      block: e.isActive('heading', { level: 1 })
        ? 'h1'
        : e.isActive('heading', { level: 2 })
          ? 'h2'
          : e.isActive('heading', { level: 3 })
            ? 'h3'
            : e.isActive('heading', { level: 4 })
              ? 'h4'
              : 'p',
      bold: e.isActive('bold'),
      italic: e.isActive('italic'),
      underline: e.isActive('underline'),
      strike: e.isActive('strike'),
      code: e.isActive('code'),
      link: e.isActive('link'),
      bulletList: e.isActive('bulletList'),
      orderedList: e.isActive('orderedList'),
      blockquote: e.isActive('blockquote'),
      codeBlock: e.isActive('codeBlock'),
      table: e.isActive('table'),
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
    }),
  });
}

function ToolButton(p: { label: string; active?: boolean; disabled?: boolean; onClick(): void; children: ReactNode }) {
  return (
    <button
      type="button"
      className={p.active ? 'editor-tool editor-tool-active' : 'editor-tool'}
      aria-label={p.label}
      title={p.label}
      aria-pressed={p.active === undefined ? undefined : p.active}
      disabled={p.disabled}
      // keep the selection in the editor
      onMouseDown={(e) => e.preventDefault()}
      onClick={p.onClick}
    >
      {p.children}
    </button>
  );
}

/**
 * WYSIWYG rich text on TipTap (ProseMirror): headings, bold/italic/underline/strike, inline code, links, lists,
 * quotes, code blocks, tables and images from the media library. It reads and writes the field's HTML; the HTML is
 * only rewritten when the text is edited, so opening and saving an object leaves its rich text as it was.
 */
export default function RichTextEditor({ labelId, describedBy, value, onChange, readOnly, invalid, types }: RichTextEditorProps) {
  // what the editor has said so far (newest last): a value among them is our own change coming back late
  const emitted = useRef<string[]>([value]);
  const [linking, setLinking] = useState<string>();
  const [picking, setPicking] = useState(false);
  const editor = useEditor({
    extensions: EXTENSIONS,
    content: value,
    editable: !readOnly,
    // the Panel's CSP refuses inline <style>: editors.css carries ProseMirror's rules
    injectCSS: false,
    editorProps: {
      attributes: {
        class: 'rte-content',
        role: 'textbox',
        'aria-multiline': 'true',
        'aria-labelledby': labelId,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(invalid ? { 'aria-invalid': 'true' } : {}),
      },
    },
    onUpdate: ({ editor: e, transaction }) => {
      // TipTap also says "update" for changes of the editor that are not edits (e.g. becoming editable)
      if (!transaction.docChanged) return;
      const html = e.isEmpty ? '' : e.getHTML();
      emitted.current.push(html);
      if (emitted.current.length > 200) emitted.current.splice(0, 100);
      onChange(html);
    },
  });
  const state = useToolbarState(editor);

  // a value from outside (the saved object, a reload) replaces the text; our own changes do not come back in, not
  // even late: a render caused by the toolbar or a dialog can run before the form has taken the latest keystrokes,
  // and writing that older value back would drop them
  useEffect(() => {
    if (emitted.current.includes(value)) return;
    emitted.current = [value];
    editor.commands.setContent(value, { emitUpdate: false });
  }, [editor, value]);

  useEffect(() => {
    if (editor.isEditable !== !readOnly) editor.setEditable(!readOnly, false);
  }, [editor, readOnly]);

  const chain = () => editor.chain().focus();
  const setLink = (href: string) => {
    if (href.trim() === '') chain().extendMarkRange('link').unsetLink().run();
    else chain().extendMarkRange('link').setLink({ href: href.trim() }).run();
    setLinking(undefined);
  };

  return (
    <div className={`editor rte${invalid ? ' editor-invalid' : ''}`}>
      {!readOnly && (
        <div className="editor-toolbar" role="toolbar" aria-label="Formatting">
          <select
            aria-label="Text style"
            value={state.block}
            onChange={(e) => {
              const v = e.target.value;
              if (v === 'p') chain().setParagraph().run();
              else
                chain()
                  .toggleHeading({ level: Number(v.slice(1)) as 1 | 2 | 3 | 4 })
                  .run();
            }}
          >
            <option value="p">Paragraph</option>
            <option value="h1">Heading 1</option>
            <option value="h2">Heading 2</option>
            <option value="h3">Heading 3</option>
            <option value="h4">Heading 4</option>
          </select>
          <ToolButton label="Bold" active={state.bold} onClick={() => chain().toggleBold().run()}>
            <b>B</b>
          </ToolButton>
          <ToolButton label="Italic" active={state.italic} onClick={() => chain().toggleItalic().run()}>
            <i>I</i>
          </ToolButton>
          <ToolButton label="Underline" active={state.underline} onClick={() => chain().toggleUnderline().run()}>
            <u>U</u>
          </ToolButton>
          <ToolButton label="Strikethrough" active={state.strike} onClick={() => chain().toggleStrike().run()}>
            <s>S</s>
          </ToolButton>
          <ToolButton label="Inline code" active={state.code} onClick={() => chain().toggleCode().run()}>
            <code>{'<>'}</code>
          </ToolButton>
          <ToolButton
            label="Link"
            active={state.link}
            onClick={() => setLinking((editor.getAttributes('link').href as string | undefined) ?? 'https://')}
          >
            Link
          </ToolButton>
          <span className="editor-sep" />
          <ToolButton label="Bulleted list" active={state.bulletList} onClick={() => chain().toggleBulletList().run()}>
            •≡
          </ToolButton>
          <ToolButton label="Numbered list" active={state.orderedList} onClick={() => chain().toggleOrderedList().run()}>
            1≡
          </ToolButton>
          <ToolButton label="Quote" active={state.blockquote} onClick={() => chain().toggleBlockquote().run()}>
            ❝
          </ToolButton>
          <ToolButton label="Code block" active={state.codeBlock} onClick={() => chain().toggleCodeBlock().run()}>
            {'{ }'}
          </ToolButton>
          <span className="editor-sep" />
          <ToolButton
            label="Insert table"
            onClick={() => chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run()}
            disabled={state.table}
          >
            ▦
          </ToolButton>
          <ToolButton label="Image from the media library" onClick={() => setPicking(true)}>
            <Icon name="image" size={16} />
          </ToolButton>
          <span className="editor-sep" />
          <ToolButton label="Undo" disabled={!state.canUndo} onClick={() => chain().undo().run()}>
            ↶
          </ToolButton>
          <ToolButton label="Redo" disabled={!state.canRedo} onClick={() => chain().redo().run()}>
            ↷
          </ToolButton>
          {state.table && (
            <span className="editor-table-tools">
              <ToolButton label="Add row" onClick={() => chain().addRowAfter().run()}>
                +row
              </ToolButton>
              <ToolButton label="Add column" onClick={() => chain().addColumnAfter().run()}>
                +col
              </ToolButton>
              <ToolButton label="Delete row" onClick={() => chain().deleteRow().run()}>
                −row
              </ToolButton>
              <ToolButton label="Delete column" onClick={() => chain().deleteColumn().run()}>
                −col
              </ToolButton>
              <ToolButton label="Delete table" onClick={() => chain().deleteTable().run()}>
                ✕▦
              </ToolButton>
            </span>
          )}
        </div>
      )}
      <EditorContent editor={editor} />
      {linking !== undefined && (
        <LinkDialog
          initial={linking}
          onDone={setLink}
          onClose={() => setLinking(undefined)}
          canRemove={state.link}
          // the browser gives the focus back to the Link button: the text goes on where it was being edited
          afterClose={() => editor.commands.focus()}
        />
      )}
      {picking && (
        <MediaImagePicker
          types={types}
          onClose={() => setPicking(false)}
          onPick={(m) => {
            setPicking(false);
            chain()
              .setImage({ src: mediaImageUrl(m), alt: m.alt || m.fileName || '' })
              .run();
          }}
        />
      )}
    </div>
  );
}

function LinkDialog(p: { initial: string; canRemove: boolean; onDone(href: string): void; onClose(): void; afterClose(): void }) {
  const [href, setHref] = useState(p.initial);
  return (
    <Modal
      title="Link"
      onClose={p.onClose}
      afterClose={p.afterClose}
      footer={
        <>
          {p.canRemove && (
            <button type="button" className="btn btn-danger-text" onClick={() => p.onDone('')}>
              Remove link
            </button>
          )}
          <button type="button" className="btn" onClick={p.onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" onClick={() => p.onDone(href)}>
            Apply
          </button>
        </>
      }
    >
      <label className="stack-label">
        URL
        <input
          type="url"
          value={href}
          autoFocus
          onChange={(e) => setHref(e.target.value)}
          // the dialog sits inside the object's form: Enter applies the link instead of saving the form
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            p.onDone(href);
          }}
        />
      </label>
    </Modal>
  );
}
