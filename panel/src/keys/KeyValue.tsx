import { useState } from 'react';
import { Icon } from '../ui/Icon.js';

const MASK = '•'.repeat(32);

/** A key value, masked until the eye reveals it. */
export function KeyValue({ value, onReveal }: { value: string; onReveal(): void }) {
  const [shown, setShown] = useState(false);
  const toggle = () => {
    if (!shown) onReveal();
    setShown((s) => !s);
  };
  return (
    <div className="key-value">
      <code className={shown ? 'key-text' : 'key-text key-masked'} aria-label={shown ? 'Key value' : 'Key value (hidden)'}>
        {shown ? value : MASK}
      </code>
      <button
        type="button"
        className="btn-icon"
        aria-label={shown ? 'Hide key' : 'Show key'}
        aria-pressed={shown}
        title={shown ? 'Hide key' : 'Show key'}
        onClick={toggle}
      >
        <Icon name={shown ? 'eyeOff' : 'eye'} />
      </button>
    </div>
  );
}
