import { useEffect, useId, useRef, type ReactNode } from 'react';
import { Icon } from './Icon.js';

interface Props {
  title: string;
  onClose(): void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
  /**
   * Runs once the dialog has closed, after the browser has put the focus back where it was before it opened (the
   * button that opened it): where the focus should go instead, e.g. back into an editor.
   */
  afterClose?(): void;
}

/**
 * A modal on the native `<dialog>`: the browser traps focus, closes it on Escape and restores focus afterwards.
 * Rendered only while open.
 */
export function Modal({ title, onClose, children, footer, wide, afterClose }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const close = useRef(onClose);
  close.current = onClose;
  const after = useRef(afterClose);
  after.current = afterClose;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    d.showModal();
    const onCancel = (e: Event) => {
      e.preventDefault();
      close.current();
    };
    d.addEventListener('cancel', onCancel);
    return () => {
      d.removeEventListener('cancel', onCancel);
      if (d.open) d.close();
      after.current?.();
    };
  }, []);
  return (
    <dialog ref={ref} className={wide ? 'modal modal-wide' : 'modal'} aria-labelledby={titleId}>
      <header className="modal-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="btn-icon" aria-label="Close" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <div className="modal-body">{children}</div>
      {footer && <footer className="modal-foot">{footer}</footer>}
    </dialog>
  );
}
