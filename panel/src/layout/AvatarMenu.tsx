import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useRouter } from '../app/router.js';
import { useSession } from '../app/session.js';
import { can } from '../users/can.js';

function initials(name: string, email: string): string {
  const words = (name || email).split(/[\s@._-]+/).filter(Boolean);
  return ((words[0]?.[0] ?? '?') + (words[1]?.[0] ?? '')).toUpperCase();
}

/** The user's avatar; its menu leads to the API keys and signs out. Keyboard: Enter/Space open, arrows move, Escape closes. */
export function AvatarMenu() {
  const session = useSession();
  const { user, signOut } = session;
  const { navigate } = useRouter();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    root.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const choose = (action: () => void) => {
    setOpen(false);
    action();
  };

  const onMenuKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(root.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      setOpen(false);
      button.current?.focus();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = (at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      items[next]?.focus();
    } else if (e.key === 'Tab') setOpen(false);
  };

  return (
    <div className="avatar-menu" ref={root} onKeyDown={onMenuKey}>
      <button
        ref={button}
        type="button"
        className="avatar"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={`User menu (${user.email})`}
        onClick={() => setOpen((o) => !o)}
      >
        {initials(user.name, user.email)}
      </button>
      {open && (
        <div className="menu" role="menu" aria-label="User menu">
          <div className="menu-head">
            <strong>{user.name}</strong>
            <span>{user.email}</span>
          </div>
          {can(session, 'keys') && (
            <button type="button" role="menuitem" onClick={() => choose(() => navigate('/api-keys'))}>
              API keys
            </button>
          )}
          {can(session, 'users') && (
            <button type="button" role="menuitem" onClick={() => choose(() => navigate('/users'))}>
              Users
            </button>
          )}
          {(can(session, 'keys') || can(session, 'users')) && (
            <button type="button" role="menuitem" onClick={() => choose(() => navigate('/audit'))}>
              Audit trail
            </button>
          )}
          <button type="button" role="menuitem" onClick={() => choose(() => navigate('/account'))}>
            Your account
          </button>
          <button type="button" role="menuitem" onClick={() => choose(() => void signOut())}>
            Sign out
          </button>
        </div>
      )}
    </div>
  );
}
