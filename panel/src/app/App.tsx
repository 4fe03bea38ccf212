import { useCallback, useEffect, useMemo, useState } from 'react';
import { setCsrfToken, setUnauthorizedHandler } from '../api/http.js';
import { sessionApi } from '../api/session.js';
import type { SessionInfo, User } from '../api/types.js';
import { SignInPage } from '../auth/SignInPage.js';
import { SetupPage } from '../auth/SetupPage.js';
import { Shell } from '../layout/Shell.js';
import { Loading } from '../ui/States.js';
import { NoticesProvider, useNotices } from './notices.js';
import { RouterProvider, useRouter } from './router.js';
import { Routes } from './Routes.js';
import { SessionContext } from './session.js';
import { InvitePage } from '../users/InvitePage.js';

export function App() {
  return (
    <RouterProvider>
      <NoticesProvider>
        <SessionGate />
      </NoticesProvider>
    </RouterProvider>
  );
}

/** Finds out whether someone is signed in, and shows the Panel, the sign-in page or the first-run setup. */
function SessionGate() {
  const { path, navigate } = useRouter();
  const { notify } = useNotices();
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [role, setRole] = useState<SessionInfo['role']>(undefined);

  const started = useCallback((s: SessionInfo) => {
    setCsrfToken(s.csrfToken);
    setRole(s.role);
    setUser(s.user);
  }, []);

  useEffect(() => {
    sessionApi.current().then(started, () => setUser(null));
  }, [started]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setUser((u) => {
        if (u) notify('info', 'Your session has ended. Please sign in again.');
        return null;
      });
    });
    return () => setUnauthorizedHandler(undefined);
  }, [notify]);

  const signOut = useCallback(async () => {
    await sessionApi.signOut().catch(() => undefined);
    setCsrfToken('');
    setUser(null);
    navigate('/', { replace: true });
    notify('success', 'You are signed out.');
  }, [navigate, notify]);

  const session = useMemo(() => (user ? { user, role, signOut } : undefined), [user, role, signOut]);

  if (path === '/setup')
    return (
      <SetupPage
        onSignedIn={(s) => {
          started(s);
          navigate('/', { replace: true });
        }}
      />
    );
  if (path === '/invite')
    return (
      <InvitePage
        onSignedIn={(s) => {
          started(s);
          navigate('/', { replace: true });
        }}
      />
    );
  if (user === undefined) return <Loading label="Opening the Panel…" />;
  if (!user) return <SignInPage onSignedIn={started} />;
  return (
    <SessionContext.Provider value={session}>
      <Shell>
        <Routes />
      </Shell>
    </SessionContext.Provider>
  );
}
