import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type AnchorHTMLAttributes,
  type MouseEvent,
  type ReactNode,
} from 'react';

interface RouterState {
  path: string;
  hash: string;
  navigate(to: string, opts?: { replace?: boolean }): void;
}

/** What the browser's Back and Forward must ask before leaving the page shown (one Panel, one history). */
const historyGuards = new Set<() => boolean>();

/**
 * Asks `allow` before the browser's Back or Forward leaves the page shown (false: the page stays, and its address is
 * put back). Answers the function that removes it.
 */
export function guardHistory(allow: () => boolean): () => void {
  historyGuards.add(allow);
  return () => void historyGuards.delete(allow);
}

const RouterContext = createContext<RouterState | undefined>(undefined);

const current = () => ({ path: window.location.pathname, hash: window.location.hash });

/** A small History-API router: the server answers every Panel path with index.html. */
export function RouterProvider({ children }: { children: ReactNode }) {
  const [loc, setLoc] = useState(current);
  const shown = useRef(loc);
  shown.current = loc;
  useEffect(() => {
    const onPop = () => {
      for (const allow of historyGuards) {
        if (!allow()) {
          // the address has already changed: put the page's own back
          window.history.pushState(null, '', shown.current.path + shown.current.hash);
          return;
        }
      }
      setLoc(current());
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((to: string, opts: { replace?: boolean } = {}) => {
    if (opts.replace) window.history.replaceState(null, '', to);
    else window.history.pushState(null, '', to);
    setLoc(current());
    window.scrollTo(0, 0);
  }, []);
  const value = useMemo(() => ({ ...loc, navigate }), [loc, navigate]);
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

export function useRouter(): RouterState {
  const r = useContext(RouterContext);
  if (!r) throw new Error('useRouter outside RouterProvider');
  return r;
}

/** Matches `/content/:type/:id` style patterns; returns the decoded params or undefined. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return undefined;
  }
  return params;
}

/** An in-app link: a real `<a href>` (keyboard, middle-click) that navigates without reloading. */
export function Link({
  to,
  children,
  onClick,
  ...rest
}: { to: string; children: ReactNode } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const { navigate } = useRouter();
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={handle} {...rest}>
      {children}
    </a>
  );
}
