import { lazy, Suspense, useId, type ReactNode } from 'react';
import type { OutputData } from '@editorjs/editorjs';
import { FieldErrorList } from '../../ui/Field.js';
import { Loading } from '../../ui/States.js';
import { errorsAt, errorsUnder, type FieldProps } from './field-props.js';

// the editors are separate chunks, fetched when a form first shows a field of their kind
const RichTextEditor = lazy(() => import('../../editors/RichTextEditor.js'));
const MarkdownEditor = lazy(() => import('../../editors/MarkdownEditor.js'));
const BlockEditor = lazy(() => import('../../editors/BlockEditor.js'));

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** A field whose control is an editor (not one labelable element): label, help and errors tied to it by ids. */
function EditorField(p: {
  label: string;
  required: boolean;
  help?: string;
  errors?: string[];
  children(ids: { labelId: string; inputId: string; describedBy: string | undefined }): ReactNode;
}) {
  const id = useId();
  const labelId = `${id}-label`;
  const helpId = p.help ? `${id}-help` : undefined;
  const errId = p.errors?.length ? `${id}-err` : undefined;
  const describedBy = [helpId, errId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field field-editor${p.errors?.length ? ' field-invalid' : ''}`}>
      <div className="field-label-row">
        <label id={labelId} htmlFor={`${id}-input`} className="field-label">
          {p.label}
        </label>
        {p.required && (
          <span className="required" aria-hidden="true">
            *
          </span>
        )}
      </div>
      <Suspense fallback={<Loading label="Loading the editor…" />}>
        {p.children({ labelId, inputId: `${id}-input`, describedBy })}
      </Suspense>
      {p.help && (
        <p id={helpId} className="field-help">
          {p.help}
        </p>
      )}
      {errId && (
        <div id={errId}>
          <FieldErrorList errors={p.errors} />
        </div>
      )}
    </div>
  );
}

/** `richtext`: HTML edited in a WYSIWYG editor. */
export function RichTextInput({ path, config, required, value, onChange, errors, types }: FieldProps) {
  const errs = errorsAt(errors, path);
  return (
    <EditorField label={config.label} required={required} help={config.helpText} errors={errs}>
      {({ labelId, describedBy }) => (
        <RichTextEditor
          labelId={labelId}
          describedBy={describedBy}
          value={str(value)}
          onChange={(html) => onChange(html === '' && !required && value === undefined ? undefined : html)}
          readOnly={config.readonly === true}
          invalid={Boolean(errs?.length)}
          types={types}
        />
      )}
    </EditorField>
  );
}

/** `textMarkdown`: Markdown with a toolbar and a live preview. */
export function MarkdownInput({ path, config, required, value, onChange, errors, types }: FieldProps) {
  const errs = errorsAt(errors, path);
  return (
    <EditorField label={config.label} required={required} help={config.helpText} errors={errs}>
      {({ inputId, describedBy }) => (
        <MarkdownEditor
          id={inputId}
          describedBy={describedBy}
          value={str(value)}
          onChange={onChange}
          readOnly={config.readonly === true}
          invalid={Boolean(errs?.length)}
          required={required}
          types={types}
        />
      )}
    </EditorField>
  );
}

const isOutput = (v: unknown): v is OutputData => Boolean(v) && typeof v === 'object' && Array.isArray((v as OutputData).blocks);

/** `block`: Editor.js documents, edited with Editor.js and the block types the field allows. */
export function BlockInput({ path, config, required, value, onChange, errors, types }: FieldProps) {
  const errs = errorsUnder(errors, path);
  return (
    <EditorField label={config.label} required={required} help={config.helpText} errors={errs}>
      {({ labelId }) => (
        <BlockEditor
          labelId={labelId}
          value={isOutput(value) ? value : undefined}
          onChange={(doc) => onChange(doc.blocks.length || required || value !== undefined ? doc : undefined)}
          readOnly={config.readonly === true}
          invalid={Boolean(errs?.length)}
          allowed={config.blockEditorTypes}
          types={types}
        />
      )}
    </EditorField>
  );
}
