import type { ReactNode } from 'react';
import { usePageTitle } from '../app/page-title.js';

/** The centred card of the sign-in and setup pages. */
export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  usePageTitle(title);
  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="brand brand-large">
          <img src="/favicon.svg" alt="" width="36" height="36" />
          <span>Flotilla</span>
        </div>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}
