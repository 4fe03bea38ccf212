import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { IdParams, NoContent, panelContract } from '../http/contract.js';
import { principalOf } from '../http/route-auth.js';
import { errors } from '../core/errors.js';
import type { AuditService } from './audit.service.js';
import type { InvitationMailer } from './invitation-mail.js';
import type { InvitationsService } from './invitations.service.js';
import type { RolesService } from './roles.service.js';
import type { SessionsService } from './sessions.service.js';
import type { UsersService } from './users.service.js';

export interface UsersRoutesDeps {
  users: UsersService;
  roles: RolesService;
  invitations: InvitationsService;
  sessions: SessionsService;
  audit: AuditService;
  /** FLOTILLA_PUBLIC_URL: the base of invitation links (else the request's own origin). */
  publicUrl: string | undefined;
  /** Sends invitations by e-mail when FLOTILLA_SMTP_URL is set. */
  mailer?: InvitationMailer;
}

const session = { permission: 'panel-session' } as const;
const sessionJson = { permission: 'panel-session', jsonBody: true } as const;
type Id = { Params: { id: string } };

const User = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  roleId: Type.String(),
  disabled: Type.Boolean(),
  createdAt: Type.String(),
});
const Grants = Type.Object({
  canRead: Type.Boolean(),
  canCreate: Type.Boolean(),
  canUpdate: Type.Boolean(),
  canDelete: Type.Boolean(),
  canPreview: Type.Optional(Type.Boolean()),
  canPublish: Type.Optional(Type.Boolean()),
});
const Role = Type.Object({
  id: Type.String(),
  name: Type.String(),
  predefined: Type.Boolean(),
  everyType: Type.Union([Type.Null(), Type.Object({ internal: Type.Boolean(), grants: Grants })]),
  rules: Type.Array(Type.Intersect([Type.Object({ ctdName: Type.String() }), Grants])),
  capabilities: Type.Array(Type.String()),
});
const SessionItem = Type.Object({
  id: Type.String(),
  createdAt: Type.String(),
  expiresAt: Type.String(),
  current: Type.Boolean(),
});
const RoleBody = Type.Object({
  name: Type.Optional(Type.Unknown()),
  rules: Type.Optional(Type.Unknown()),
  capabilities: Type.Optional(Type.Unknown()),
});

const LIST_USERS = panelContract('Panel users', { response: { 200: Type.Array(User) } });
const UPDATE_USER = panelContract("Change a user's role or disable them", {
  params: IdParams,
  body: Type.Object({ roleId: Type.Optional(Type.Unknown()), disabled: Type.Optional(Type.Unknown()) }),
  response: { 200: User },
});
const REMOVE_USER = panelContract('Remove a user', { params: IdParams, response: { 204: NoContent } });
const USER_SESSIONS = panelContract("A user's sessions", { params: IdParams, response: { 200: Type.Array(SessionItem) } });
const END_USER_SESSIONS = panelContract("End all of a user's sessions", { params: IdParams, response: { 204: NoContent } });
const OWN_SESSIONS = panelContract('My sessions', { response: { 200: Type.Array(SessionItem) } });
const END_OWN_SESSION = panelContract('End one of my sessions', { params: IdParams, response: { 204: NoContent } });
const PASSWORD = panelContract('Change my password (my other sessions end)', {
  body: Type.Object({ password: Type.Optional(Type.Unknown()), newPassword: Type.Optional(Type.Unknown()) }),
  response: { 204: NoContent },
});
const INVITE = panelContract('Invite a user by e-mail address: a one-time link', {
  body: Type.Object({ email: Type.Optional(Type.Unknown()), roleId: Type.Optional(Type.Unknown()) }),
  response: {
    200: Type.Object({
      url: Type.String(),
      expiresAt: Type.String(),
      sent: Type.Boolean({ description: 'The link was also sent to the address by e-mail (FLOTILLA_SMTP_URL)' }),
    }),
  },
});
const LIST_ROLES = panelContract('Roles: the predefined ones and custom roles', { response: { 200: Type.Array(Role) } });
const CREATE_ROLE = panelContract('Create a custom role', { body: RoleBody, response: { 200: Role } });
const UPDATE_ROLE = panelContract('Change a custom role', { params: IdParams, body: RoleBody, response: { 200: Role } });
const REMOVE_ROLE = panelContract('Remove a custom role no user has', { params: IdParams, response: { 204: NoContent } });

/** Users, invitations, roles and sessions of the Panel (issue 16's contract). */
export function usersRoutes(app: FastifyInstance, deps: UsersRoutesDeps): void {
  const { users, roles, invitations, sessions, audit } = deps;
  const subject = (u: { id: string; email: string }) => ({ id: u.id, name: u.email });

  app.get('/panel/api/users', { config: session, schema: LIST_USERS }, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    return users.list(principalOf(req));
  });

  app.put<Id>('/panel/api/users/:id', { config: sessionJson, schema: UPDATE_USER }, async (req) => {
    const p = principalOf(req);
    const { before, after } = await users.updateAccess(p, req.params.id, (req.body ?? {}) as Record<string, unknown>);
    await audit.record(p, 'user.updated', subject(after), {
      before: { roleId: before.roleId, disabled: before.disabled },
      after: { roleId: after.roleId, disabled: after.disabled },
    });
    return after;
  });

  app.delete<Id>('/panel/api/users/:id', { config: session, schema: REMOVE_USER }, async (req, reply) => {
    const p = principalOf(req);
    const removed = await users.remove(p, req.params.id);
    await audit.record(p, 'user.removed', subject(removed), { roleId: removed.roleId });
    return reply.code(204).send();
  });

  app.get<Id>('/panel/api/users/:id/sessions', { config: session, schema: USER_SESSIONS }, async (req) => {
    const p = principalOf(req);
    const target = await users.assertMayActOn(p, req.params.id);
    return sessions.list(p, target.id, req.session?.tokenHash);
  });

  app.delete<Id>('/panel/api/users/:id/sessions', { config: session, schema: END_USER_SESSIONS }, async (req, reply) => {
    const p = principalOf(req);
    const target = await users.assertMayActOn(p, req.params.id);
    await sessions.endFor(p, target.id);
    await audit.record(p, 'sessions.ended', subject(target));
    return reply.code(204).send();
  });

  app.get('/panel/api/sessions', { config: session, schema: OWN_SESSIONS }, async (req) =>
    sessions.list(principalOf(req), req.session!.user.id, req.session!.tokenHash),
  );

  app.delete<Id>('/panel/api/sessions/:id', { config: session, schema: END_OWN_SESSION }, async (req, reply) => {
    const p = principalOf(req);
    const me = req.session!.user;
    if (!(await sessions.endFor(p, me.id, req.params.id))) throw errors.notFound();
    await audit.record(p, 'session.ended', subject(me), { session: req.params.id });
    return reply.code(204).send();
  });

  app.post('/panel/api/session/password', { config: sessionJson, schema: PASSWORD }, async (req, reply) => {
    const p = principalOf(req);
    const body = (req.body ?? {}) as { password?: unknown; newPassword?: unknown };
    const me = await users.changePassword(p, body.password, body.newPassword, req.session!.tokenHash);
    await audit.record(p, 'user.password-changed', subject(me));
    return reply.code(204).send();
  });

  app.post('/panel/api/invitations', { config: sessionJson, schema: INVITE }, async (req, reply) => {
    const p = principalOf(req);
    const body = (req.body ?? {}) as { email?: unknown; roleId?: unknown };
    const made = await invitations.create(p, body, deps.publicUrl ?? originOf(req));
    let sent = false;
    if (deps.mailer) {
      try {
        const invitedBy = p.kind === 'user' ? p.email : 'An administrator';
        await deps.mailer.send({ to: String(body.email), url: made.url, expiresAt: made.expiresAt, invitedBy });
        sent = true;
      } catch (e) {
        // the link is still shown in the Panel; the log never holds it (it carries the one-time token)
        req.log.warn(
          { smtp: e instanceof Error ? e.message.replace(/token=[\w-]+/g, 'token=…') : 'error' },
          'invitation e-mail not sent',
        );
      }
    }
    await audit.record(p, 'user.invited', null, { email: body.email, roleId: body.roleId, expiresAt: made.expiresAt, sent });
    reply.header('cache-control', 'no-store');
    return { ...made, sent };
  });

  app.get('/panel/api/roles', { config: session, schema: LIST_ROLES }, async () => roles.list());

  app.post('/panel/api/roles', { config: sessionJson, schema: CREATE_ROLE }, async (req) => {
    const p = principalOf(req);
    const role = await roles.create(p, (req.body ?? {}) as Record<string, unknown>);
    await audit.record(p, 'role.created', null, { role });
    return role;
  });

  app.put<Id>('/panel/api/roles/:id', { config: sessionJson, schema: UPDATE_ROLE }, async (req) => {
    const p = principalOf(req);
    const { before, after } = await roles.update(p, req.params.id, (req.body ?? {}) as Record<string, unknown>);
    await audit.record(p, 'role.updated', null, { before, after });
    return after;
  });

  app.delete<Id>('/panel/api/roles/:id', { config: session, schema: REMOVE_ROLE }, async (req, reply) => {
    const p = principalOf(req);
    const role = await roles.remove(p, req.params.id);
    await audit.record(p, 'role.removed', null, { role });
    return reply.code(204).send();
  });
}

function originOf(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}
