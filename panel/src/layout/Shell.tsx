import { useEffect, useState, type ReactNode } from 'react';
import { Link, useRouter } from '../app/router.js';
import { Icon } from '../ui/Icon.js';
import { AvatarMenu } from './AvatarMenu.js';
import { Sidebar } from './Sidebar.js';

/** The signed-in frame: the left navigation, the top bar with the avatar menu, and the page. */
export function Shell({ children }: { children: ReactNode }) {
  const { path } = useRouter();
  const [navOpen, setNavOpen] = useState(false);
  useEffect(() => setNavOpen(false), [path]);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          type="button"
          className="btn-icon nav-toggle"
          aria-expanded={navOpen}
          aria-controls="sidebar"
          onClick={() => setNavOpen((o) => !o)}
        >
          <Icon name="menu" />
          <span className="visually-hidden">Menu</span>
        </button>
        <Link to="/content-types" className="brand">
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span>Flotilla</span>
        </Link>
        <div className="topbar-spacer" />
        <AvatarMenu />
      </header>
      <Sidebar open={navOpen} />
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
