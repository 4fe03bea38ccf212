import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';

export type NoticeKind = 'success' | 'error' | 'info';
interface Notice {
  id: number;
  kind: NoticeKind;
  text: string;
}
interface Notices {
  notify(kind: NoticeKind, text: string): void;
}

const NoticesContext = createContext<Notices | undefined>(undefined);

/** Success and error messages shown at the top right and read out by screen readers. */
export function NoticesProvider({ children }: { children: ReactNode }) {
  const [list, setList] = useState<Notice[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setList((l) => l.filter((n) => n.id !== id)), []);
  const notify = useCallback(
    (kind: NoticeKind, text: string) => {
      const id = next.current++;
      setList((l) => [...l.slice(-3), { id, kind, text }]);
      window.setTimeout(() => dismiss(id), kind === 'error' ? 8000 : 4000);
    },
    [dismiss],
  );
  const value = useMemo(() => ({ notify }), [notify]);
  return (
    <NoticesContext.Provider value={value}>
      {children}
      <div className="notices" role="status" aria-live="polite">
        {list.map((n) => (
          <div key={n.id} className={`notice notice-${n.kind}`} role={n.kind === 'error' ? 'alert' : undefined}>
            <span>{n.text}</span>
            <button type="button" className="notice-close" aria-label="Dismiss message" onClick={() => dismiss(n.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </NoticesContext.Provider>
  );
}

export function useNotices(): Notices {
  const n = useContext(NoticesContext);
  if (!n) throw new Error('useNotices outside NoticesProvider');
  return n;
}
