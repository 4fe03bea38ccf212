import type EditorJS from '@editorjs/editorjs';
import type { EditorConfig, OutputData } from '@editorjs/editorjs';
import { useEffect, useRef, useState } from 'react';
import { uploadMedia, type MediaObject } from '../api/media.js';
import type { ContentType } from '../api/types.js';
import { adoptInjectedStyles } from './adopt-injected-styles.js';
import { MediaImagePicker, mediaImageUrl } from './MediaImagePicker.js';
import './editors.css';

export interface BlockEditorProps {
  labelId: string;
  /** The stored value: Editor.js output (`{time, blocks, version}`), or nothing yet. */
  value: OutputData | undefined;
  onChange(value: OutputData): void;
  readOnly: boolean;
  invalid: boolean;
  /** The block types the field allows besides paragraph (`blockEditorTypes`); undefined = every type Flotiq has. */
  allowed: readonly string[] | undefined;
  types: ContentType[];
}

/** What the image block stores of a library file (the tool keeps `file` as given; Flotiq's clients read `url`). */
const imageFile = (m: MediaObject) => ({
  url: mediaImageUrl(m),
  width: m.width,
  height: m.height,
  extension: m.extension,
  fileName: m.fileName,
});

/**
 * The tools, by Flotiq's block type names, loaded only once the style adoption is in place: each tool's module adds
 * its CSS as it is evaluated.
 */
async function loadTools(types: readonly string[] | undefined) {
  adoptInjectedStyles();
  const [editorjs, paragraph, header, list, image, quote, warning, delimiter, table, code, embed] = await Promise.all([
    import('@editorjs/editorjs'),
    import('@editorjs/paragraph'),
    import('@editorjs/header'),
    import('@editorjs/list'),
    import('@editorjs/image'),
    import('@editorjs/quote'),
    import('@editorjs/warning'),
    import('@editorjs/delimiter'),
    import('@editorjs/table'),
    import('@editorjs/code'),
    import('@editorjs/embed'),
  ]);
  const all = {
    paragraph: { class: paragraph.default, inlineToolbar: true },
    header: { class: header.default, inlineToolbar: true, config: { levels: [1, 2, 3, 4], defaultLevel: 2 } },
    list: { class: list.default, inlineToolbar: true },
    image: {
      class: image.default,
      config: {
        // a file dropped or chosen in the block goes into the media library; its block points at the library's URL
        uploader: {
          uploadByFile: async (file: File) => ({ success: 1, file: imageFile(await uploadMedia(file)) }),
          uploadByUrl: async (url: string) => ({ success: 1, file: { url } }),
        },
      },
    },
    quote: { class: quote.default, inlineToolbar: true },
    warning: { class: warning.default, inlineToolbar: true },
    delimiter: { class: delimiter.default },
    table: { class: table.default, inlineToolbar: true },
    code: { class: code.default },
    youtubeEmbed: { class: embed.default, config: { services: { youtube: true } } },
  };
  const tools = Object.fromEntries(
    Object.entries(all).filter(([name]) => name === 'paragraph' || !types || types.includes(name)),
  );
  // the Editor.js tool constructors are typed per package; EditorJS takes them as its own ToolConstructable
  return { EditorJS: editorjs.default, tools: tools as unknown as EditorConfig['tools'] };
}

/**
 * The block editor of Flotiq: Editor.js itself with its maintained tools, storing exactly Editor.js's output. Images
 * come from the media library (picked, or uploaded in the block). Nothing is written back until a block changes.
 */
export default function BlockEditor({ labelId, value, onChange, readOnly, invalid, allowed, types }: BlockEditorProps) {
  const holder = useRef<HTMLDivElement>(null);
  const editor = useRef<EditorJS>(undefined);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState<string>();
  const [picking, setPicking] = useState(false);
  const change = useRef(onChange);
  change.current = onChange;
  const initial = useRef(value);
  /** Set by the first key, pointer, paste or drop in the editor (or a picked image). */
  const touched = useRef(false);
  const allowedKey = allowed?.join(',');

  useEffect(() => {
    let instance: EditorJS | undefined;
    let gone = false;
    void (async () => {
      try {
        const { EditorJS: Editor, tools } = await loadTools(allowedKey === undefined ? undefined : allowedKey.split(','));
        if (gone || !holder.current) return;
        instance = new Editor({
          holder: holder.current,
          data: initial.current && Array.isArray(initial.current.blocks) ? initial.current : undefined,
          tools,
          readOnly,
          minHeight: 40,
          placeholder: 'Write, or press Tab for blocks',
          // Editor.js also reports changes it makes itself while showing stored blocks (a tool redrawing its DOM):
          // only what follows a person's action is written, and only when the blocks differ from what was loaded
          onChange: () => void emit(),
        });
        await instance.isReady;
        if (gone) return;
        editor.current = instance;
        setReady(true);
      } catch (e) {
        setFailed(e instanceof Error ? e.message : String(e));
      }
    })();
    return () => {
      gone = true;
      editor.current = undefined;
      setReady(false);
      if (instance) void instance.isReady.then(() => instance?.destroy()).catch(() => undefined);
    };
  }, [allowedKey, readOnly]);

  /** Saves the blocks and reports them, after a person's action only and only when they differ from what was loaded. */
  const emitting = useRef<Promise<void>>(Promise.resolve());
  const emit = (): Promise<void> => {
    emitting.current = emitting.current.then(async () => {
      const e = editor.current;
      if (!e || !touched.current) return;
      const out = await e.save();
      if (JSON.stringify(out.blocks) === JSON.stringify(initial.current?.blocks ?? [])) return;
      change.current(out);
    });
    return emitting.current.catch(() => undefined);
  };
  // Editor.js reports changes through a MutationObserver that some browsers' builds do not always fire for typing;
  // what a person types is also saved from the input itself, a moment after the last keystroke
  const typing = useRef<ReturnType<typeof setTimeout>>(undefined);
  const typed = () => {
    clearTimeout(typing.current);
    typing.current = setTimeout(() => void emit(), 150);
  };
  useEffect(() => () => clearTimeout(typing.current), []);

  const insertImage = async (m: MediaObject) => {
    setPicking(false);
    const e = editor.current;
    if (!e) return;
    touched.current = true;
    e.blocks.insert('image', { file: imageFile(m), caption: '', withBorder: false, stretched: false, withBackground: false });
    change.current(await e.save());
  };

  const touch = () => {
    touched.current = true;
  };
  const imagesAllowed = !allowed || allowed.includes('image');
  return (
    <div className={`editor block-editor${invalid ? ' editor-invalid' : ''}`}>
      {failed && (
        <p className="field-errors" role="alert">
          The block editor could not start: {failed}
        </p>
      )}
      <div
        ref={holder}
        className="block-editor-holder"
        aria-labelledby={labelId}
        role="group"
        onKeyDownCapture={touch}
        onInputCapture={typed}
        onPointerDownCapture={touch}
        onPasteCapture={touch}
        onDropCapture={touch}
      />
      {!ready && !failed && <p className="muted">Loading the block editor…</p>}
      {ready && !readOnly && imagesAllowed && (
        <button type="button" className="btn btn-small" onClick={() => setPicking(true)}>
          Insert image from the library
        </button>
      )}
      {picking && <MediaImagePicker types={types} onClose={() => setPicking(false)} onPick={(m) => void insertImage(m)} />}
    </div>
  );
}
