import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../core/errors.js';
import type { RateLimiter } from '../core/rate-limiter.js';
import { SESSION_COOKIE, type SessionsService } from './sessions.service.js';
import type { UsersService, UserView } from './users.service.js';
import { Type } from '@sinclair/typebox';
import { AnyObject, NoContent, panelContract } from '../http/contract.js';
import type { InvitationsService } from './invitations.service.js';
import type { AuditService } from './audit.service.js';
import { loadRole } from './users.service.js';
import { roleView } from './roles.service.js';
import { NO_ROLE } from './roles.js';
import { principalOf } from '../http/route-auth.js';
import type { Principal } from '../core/principal.js';

export interface PanelSessionDeps {
  users: UsersService;
  sessions: SessionsService;
  invitations: InvitationsService;
  audit: AuditService;
  /** Login attempts per client IP, and failed attempts per (account, client IP). */
  loginPerIp: RateLimiter;
  loginPerAccount: RateLimiter;
  secureCookies: boolean;
}

const login = { permission: 'panel-login' } as const;
const session = { permission: 'panel-session' } as const;

const Session = Type.Object({
  user: AnyObject('The signed-in user'),
  csrfToken: Type.String(),
  role: Type.Optional(AnyObject("The user's role: its id, name, rules and capabilities")),
});
const SIGN_IN = panelContract('Sign in', {
  body: Type.Object({ email: Type.Optional(Type.Unknown()), password: Type.Optional(Type.Unknown()) }),
  response: { 200: Session },
});
const SESSION = panelContract('The current session', { response: { 200: Session } });
const SIGN_OUT = panelContract('Sign out', { response: { 204: NoContent } });
const ACCEPT = panelContract('Accept an invitation: set a password and sign in', {
  body: Type.Object({ token: Type.Optional(Type.Unknown()), password: Type.Optional(Type.Unknown()) }),
  response: { 200: Session },
});
const SETUP_NEEDED = panelContract('Whether first-run setup is needed', {
  response: { 200: Type.Object({ needed: Type.Boolean() }) },
});
const SETUP = panelContract('First-run setup: the first administrator', {
  body: Type.Object({
    token: Type.Optional(Type.Unknown()),
    email: Type.Optional(Type.Unknown()),
    password: Type.Optional(Type.Unknown()),
  }),
  response: { 200: Session },
});

/** Sign-in, session, sign-out and first-run setup of the Panel (`/panel/api/session`, `/panel/api/setup`). */
export function panelSessionRoutes(app: FastifyInstance, deps: PanelSessionDeps): void {
  const { users, sessions } = deps;

  const { audit } = deps;
  // the actor of sign-in events, for the audit trail only (it decides nothing)
  const asUser = (user: UserView): Principal => ({ kind: 'user', userId: user.id, email: user.email, role: NO_ROLE });
  const signIn = async (req: FastifyRequest, reply: FastifyReply, user: UserView) => {
    // a login always starts a fresh session (rotation): the old cookie, if any, is ended first
    await sessions.end(req.cookies[SESSION_COOKIE]);
    const s = await sessions.start(user);
    reply.setCookie(SESSION_COOKIE, s.token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.secureCookies,
      path: '/',
      maxAge: s.maxAgeSeconds,
    });
    reply.header('cache-control', 'no-store');
    await audit.record(asUser(user), 'session.started', { id: user.id, name: user.email });
    return { user, csrfToken: s.csrfToken, role: roleView(await loadRole(users.storageOf(), user.roleId)) };
  };

  app.post('/panel/api/session', { config: { ...login, jsonBody: true }, schema: SIGN_IN }, async (req, reply) => {
    const body = (req.body ?? {}) as { email?: unknown; password?: unknown };
    // failures are counted per (account, client address): nobody can lock the real owner out from elsewhere
    const account = `${typeof body.email === 'string' ? body.email.toLowerCase() : ''}\n${req.ip}`;
    const wait = Math.max(deps.loginPerIp.take(req.ip), deps.loginPerAccount.retryAfter(account));
    if (wait > 0) throw errors.tooManyRequests(wait);
    const user = await users.verifyCredentials(body.email, body.password);
    if (!user) {
      deps.loginPerAccount.hit(account);
      // who tried, as typed (an unknown address, a wrong password or a disabled account: the trail does not say which)
      const email = typeof body.email === 'string' ? body.email.slice(0, 320) : null;
      await audit.record('anonymous', 'session.refused', null, { email, ip: req.ip });
      throw errors.unauthorized();
    }
    deps.loginPerAccount.reset(account);
    return signIn(req, reply, user);
  });

  app.get('/panel/api/session', { config: session, schema: SESSION }, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    return { user: req.session!.user, csrfToken: req.session!.csrfToken, role: roleView(req.session!.principal.role) };
  });

  app.delete('/panel/api/session', { config: session, schema: SIGN_OUT }, async (req, reply) => {
    await sessions.end(req.cookies[SESSION_COOKIE]);
    const p = principalOf(req);
    await audit.record(p, 'session.ended', { id: req.session!.user.id, name: req.session!.user.email });
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.post('/panel/api/invitations/accept', { config: { ...login, jsonBody: true }, schema: ACCEPT }, async (req, reply) => {
    const wait = deps.loginPerIp.take(req.ip);
    if (wait > 0) throw errors.tooManyRequests(wait);
    const body = (req.body ?? {}) as { token?: unknown; password?: unknown };
    const { user } = await deps.invitations.accept(body.token, body.password);
    await audit.record(asUser(user), 'user.joined', { id: user.id, name: user.email }, { roleId: user.roleId });
    return signIn(req, reply, user);
  });

  app.get('/panel/api/setup', { config: login, schema: SETUP_NEEDED }, async () => ({ needed: await users.setupNeeded() }));

  app.post('/panel/api/setup', { config: { ...login, jsonBody: true }, schema: SETUP }, async (req, reply) => {
    const wait = deps.loginPerIp.take(req.ip);
    if (wait > 0) throw errors.tooManyRequests(wait);
    const body = (req.body ?? {}) as { token?: unknown; email?: unknown; password?: unknown };
    const user = await users.completeSetup(body.token, body.email, body.password);
    await audit.record(asUser(user), 'user.created', { id: user.id, name: user.email }, { via: 'setup', roleId: user.roleId });
    return signIn(req, reply, user);
  });
}
