import { randomUUID } from 'node:crypto';
import { canManageUsers, roleWithin } from '../access/policy.js';
import type { Clock } from '../core/clock.js';
import { addFieldError, errors, type FieldErrors } from '../core/errors.js';
import type { Capability, KeyRule, Principal, UserRole } from '../core/principal.js';
import type { Storage } from '../storage/port.js';
import { sanitizeKeyInput } from './key-input.js';
import { customRole, isCapability, isPredefinedRoleId, PREDEFINED_ROLE_IDS, PREDEFINED_ROLES } from './roles.js';

export interface RoleView {
  id: string;
  name: string;
  predefined: boolean;
  /** Predefined roles: what they grant on every type ('all' includes the internal types). */
  everyType: null | { internal: boolean; grants: Omit<KeyRule, 'ctdName'> };
  rules: KeyRule[];
  capabilities: Capability[];
}

export const roleView = (r: UserRole): RoleView => ({
  id: r.id,
  name: r.name,
  predefined: isPredefinedRoleId(r.id),
  everyType: r.every ? { internal: r.every.internal, grants: { ...r.every.grants } } : null,
  rules: r.rules.map((x) => ({ ...x })),
  capabilities: [...r.capabilities],
});

/** Roles: the four predefined ones (fixed ids) and custom roles built from per-type rules and capability flags. */
export class RolesService {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly typeNames: () => Promise<ReadonlySet<string>>,
  ) {}

  /** Every role: any signed-in user may read them (the Panel shows the user's own). */
  async list(): Promise<RoleView[]> {
    const custom = (await this.storage.panel.listRoles()).map((r) => customRole(r.id, r.name, r.rules, r.capabilities));
    return [...PREDEFINED_ROLE_IDS.map((id) => PREDEFINED_ROLES[id]), ...custom].map(roleView);
  }

  async create(p: Principal, body: { name?: unknown; rules?: unknown; capabilities?: unknown }): Promise<RoleView> {
    if (!canManageUsers(p)) throw errors.forbidden();
    const input = await this.validate(body);
    const role = customRole(randomUUID(), input.name, JSON.stringify(input.rules), JSON.stringify(input.capabilities));
    if (!roleWithin(p, role)) throw errors.forbidden();
    const now = this.clock.now();
    await this.storage.panel.insertRole({
      id: role.id,
      name: role.name,
      rules: JSON.stringify(role.rules),
      capabilities: JSON.stringify(role.capabilities),
      createdMs: now,
      updatedMs: now,
    });
    return roleView(role);
  }

  async update(
    p: Principal,
    id: string,
    body: { name?: unknown; rules?: unknown; capabilities?: unknown },
  ): Promise<{ before: RoleView; after: RoleView }> {
    if (!canManageUsers(p)) throw errors.forbidden();
    if (isPredefinedRoleId(id)) throw errors.validation({ id: ['Predefined roles cannot be changed'] });
    const stored = await this.row(id);
    if (!stored) throw errors.notFound();
    const before = customRole(stored.id, stored.name, stored.rules, stored.capabilities);
    const input = await this.validate(body);
    const after = customRole(id, input.name, JSON.stringify(input.rules), JSON.stringify(input.capabilities));
    if (!roleWithin(p, before) || !roleWithin(p, after)) throw errors.forbidden();
    const ok = await this.storage.panel.updateRole({
      ...stored,
      name: after.name,
      rules: JSON.stringify(after.rules),
      capabilities: JSON.stringify(after.capabilities),
      updatedMs: this.clock.now(),
    });
    if (!ok) throw errors.notFound();
    return { before: roleView(before), after: roleView(after) };
  }

  /** Removes a custom role no user has. */
  async remove(p: Principal, id: string): Promise<RoleView> {
    if (!canManageUsers(p)) throw errors.forbidden();
    if (isPredefinedRoleId(id)) throw errors.validation({ id: ['Predefined roles cannot be removed'] });
    const stored = await this.row(id);
    if (!stored) throw errors.notFound();
    const role = customRole(stored.id, stored.name, stored.rules, stored.capabilities);
    if (!roleWithin(p, role)) throw errors.forbidden();
    await this.storage.transaction(async (tx) => {
      await tx.panel.lockUsers(this.clock.now());
      if ((await tx.panel.countUsersWithRole(id)) > 0) throw errors.validation({ id: ['Users still have this role'] });
      if (!(await tx.panel.deleteRole(id))) throw errors.notFound();
    });
    return roleView(role);
  }

  private async row(id: string) {
    if (id.length > 100 || id.includes('\u0000')) return undefined;
    return this.storage.panel.getRole(id);
  }

  /** Name and rules as for keys (existing types, one rule per type, booleans); capabilities from the fixed list. */
  private async validate(body: { name?: unknown; rules?: unknown; capabilities?: unknown }) {
    const errs: FieldErrors = {};
    const fields = sanitizeKeyInput({ name: body.name, rules: body.rules ?? [] }, true, await this.typeNames(), errs);
    const capabilities: Capability[] = [];
    const raw = body.capabilities ?? [];
    if (!Array.isArray(raw)) addFieldError(errs, 'capabilities', 'Must be a list of capabilities');
    else
      raw.forEach((c: unknown, i) => {
        if (!isCapability(c)) addFieldError(errs, `capabilities.${i}`, 'Unknown capability');
        else if (!capabilities.includes(c)) capabilities.push(c);
      });
    if (Object.keys(errs).length > 0) throw errors.validation(errs);
    return { name: fields.name!, rules: fields.rules!, capabilities };
  }
}
