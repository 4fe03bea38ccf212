import { useState } from 'react';
import { Icon } from './Icon.js';

const MASK = '•'.repeat(32);

interface Props {
  /** The value; undefined while it is still being fetched (a secret is fetched only when revealed). */
  value: string | undefined;
  onReveal(): void;
  /** What the value is called in the controls' names: "Show key", "Key value". */
  noun?: string;
}

/** A key or secret, masked until the eye reveals it. */
export function SecretValue({ value, onReveal, noun = 'key' }: Props) {
  const [shown, setShown] = useState(false);
  const Noun = noun.charAt(0).toUpperCase() + noun.slice(1);
  const toggle = () => {
    if (!shown) onReveal();
    setShown((s) => !s);
  };
  const visible = shown && value !== undefined;
  return (
    <div className="secret-value">
      <code
        className={visible ? 'secret-text' : 'secret-text secret-masked'}
        aria-label={visible ? `${Noun} value` : `${Noun} value (hidden)`}
        aria-busy={shown && !visible}
      >
        {visible ? value : MASK}
      </code>
      <button
        type="button"
        className="btn-icon"
        aria-label={shown ? `Hide ${noun}` : `Show ${noun}`}
        aria-pressed={shown}
        title={shown ? `Hide ${noun}` : `Show ${noun}`}
        onClick={toggle}
      >
        <Icon name={shown ? 'eyeOff' : 'eye'} />
      </button>
    </div>
  );
}
