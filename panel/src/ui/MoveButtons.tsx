import { Icon } from './Icon.js';

interface Props {
  /** What moves, for the buttons' labels: "Move field up", "Move item down". */
  what: string;
  index: number;
  count: number;
  disabled?: boolean;
  onMove(by: -1 | 1): void;
}

/** Up and down buttons for one entry of an ordered list (fields of a type, items of a list field). */
export function MoveButtons({ what, index, count, disabled = false, onMove }: Props) {
  return (
    <>
      <button
        type="button"
        className="btn-icon"
        aria-label={`Move ${what} up`}
        title="Move up"
        disabled={index === 0 || disabled}
        onClick={() => onMove(-1)}
      >
        <Icon name="up" />
      </button>
      <button
        type="button"
        className="btn-icon"
        aria-label={`Move ${what} down`}
        title="Move down"
        disabled={index === count - 1 || disabled}
        onClick={() => onMove(1)}
      >
        <Icon name="down" />
      </button>
    </>
  );
}
