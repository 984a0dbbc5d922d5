// The table barrel: drizzle-kit generates migrations from it, and the client types come from it.
export * from '../modules/organizations/organizations.table.js'
export * from '../modules/users/users.table.js'
export * from '../modules/members/members.table.js'
export * from '../modules/brands/brands.table.js'
export * from '../modules/api-keys/api-keys.table.js'
export * from '../modules/auth/auth.table.js'
export * from '../modules/events/events.table.js'
export * from '../plugins/idempotency.table.js'
