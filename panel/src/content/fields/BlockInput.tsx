import { FieldErrorList, FieldGroup } from '../../ui/Field.js';
import { Icon } from '../../ui/Icon.js';
import { errorsUnder, type FieldProps } from './field-props.js';

interface Block {
  id?: string;
  type: string;
  data: Record<string, unknown>;
}
interface BlockValue {
  time?: number;
  blocks: Block[];
  version?: string;
}

/** Block types edited as text here; other types (images, embeds, tables …) are kept as they are. */
const TEXT_BLOCKS: Record<string, string> = {
  paragraph: 'Paragraph',
  header: 'Heading',
  quote: 'Quote',
  list: 'List',
  delimiter: 'Delimiter',
};

const textOf = (b: Block) =>
  b.type === 'list' ? ((b.data.items as unknown[]) ?? []).map(String).join('\n') : String(b.data.text ?? '');

function withText(b: Block, text: string): Block {
  if (b.type === 'list') return { ...b, data: { style: b.data.style ?? 'unordered', items: text.split('\n') } };
  if (b.type === 'header') return { ...b, data: { level: b.data.level ?? 2, text } };
  return { ...b, data: { ...b.data, text } };
}

const newId = () => Math.random().toString(36).slice(2, 12);

/** An editor.js document as a list of blocks: paragraphs always; the type's allowed blocks besides. */
export function BlockInput({ path, config, required, value, onChange, errors }: FieldProps) {
  const doc: BlockValue =
    value && typeof value === 'object' && Array.isArray((value as BlockValue).blocks) ? (value as BlockValue) : { blocks: [] };
  const allowed = ['paragraph', ...(config.blockEditorTypes ?? []).filter((t) => t in TEXT_BLOCKS)];
  const set = (blocks: Block[]) =>
    onChange(blocks.length || required ? { time: Date.now(), blocks, version: doc.version ?? '2.28.2' } : undefined);
  const change = (i: number, b: Block) => set(doc.blocks.map((x, j) => (j === i ? b : x)));
  return (
    <FieldGroup label={config.label} required={required}>
      {config.helpText && <p className="field-help">{config.helpText}</p>}
      <ol className="blocks">
        {doc.blocks.map((b, i) => (
          <li key={b.id ?? i} className="block">
            <div className="block-tools">
              {b.type in TEXT_BLOCKS ? (
                <select
                  aria-label={`Block ${i + 1} type`}
                  value={b.type}
                  disabled={config.readonly}
                  onChange={(e) => change(i, withText({ ...b, type: e.target.value, data: {} }, textOf(b)))}
                >
                  {allowed.includes(b.type) ? null : <option value={b.type}>{TEXT_BLOCKS[b.type]}</option>}
                  {allowed.map((t) => (
                    <option key={t} value={t}>
                      {TEXT_BLOCKS[t]}
                    </option>
                  ))}
                </select>
              ) : (
                <span className="badge">{b.type}</span>
              )}
              <button
                type="button"
                className="btn-icon btn-danger-text"
                aria-label={`Remove block ${i + 1}`}
                disabled={config.readonly}
                onClick={() => set(doc.blocks.filter((_, j) => j !== i))}
              >
                <Icon name="trash" />
              </button>
            </div>
            {b.type === 'delimiter' ? (
              <hr />
            ) : b.type in TEXT_BLOCKS ? (
              <textarea
                aria-label={`Block ${i + 1} text`}
                rows={b.type === 'paragraph' || b.type === 'list' ? 3 : 1}
                value={textOf(b)}
                readOnly={config.readonly}
                placeholder={b.type === 'list' ? 'One item per line' : undefined}
                onChange={(e) => change(i, withText(b, e.target.value))}
              />
            ) : (
              <pre className="mono block-json">{JSON.stringify(b.data, null, 2)}</pre>
            )}
          </li>
        ))}
      </ol>
      <button
        type="button"
        className="btn btn-small"
        disabled={config.readonly}
        onClick={() => set([...doc.blocks, { id: newId(), type: 'paragraph', data: { text: '' } }])}
      >
        <Icon name="plus" size={16} /> Add block
      </button>
      <FieldErrorList errors={errorsUnder(errors, path)} />
    </FieldGroup>
  );
}
