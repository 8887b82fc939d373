/** Roles from least to most: each one may do everything the ones before it may. */
export const ROLES = ['viewer', 'officer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => ROLES.includes(value as Role);

/** Whether `held` covers what `needed` may do: `admin` ⊇ `officer` (clusters, labels) ⊇ `viewer` (read only). */
export const roleAllows = (held: Role, needed: Role): boolean => ROLES.indexOf(held) >= ROLES.indexOf(needed);

/**
 * Who makes a request, however they signed in: an API token today, a console
 * session later. `actor` is what the audit log records (`token:ci`, `user:anna`).
 */
export interface Principal {
  actor: string;
  role: Role;
}

/** The Hono environment of routes behind authentication. */
export interface AuthEnv {
  Variables: { principal: Principal | undefined };
}
