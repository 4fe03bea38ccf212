import { useEffect } from 'react';

/** Sets the window title of a page. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Flotilla`;
  }, [title]);
}
