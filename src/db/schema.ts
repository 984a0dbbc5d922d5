// The table barrel: drizzle-kit generates migrations from it, and the client types come from it.
// Tables live in src/db/tables/, below the modules, in the order they reference each other
// (each file imports only files above it in this list), so schema imports never form a circle.
// Which module owns (writes) which table is listed in eslint.config.js; modules never import
// this barrel.
export * from './tables/organizations.js'
export * from './tables/users.js'
export * from './tables/members.js'
export * from './tables/api-keys.js'
export * from './tables/auth.js'
export * from './tables/events.js'
export * from './tables/idempotency.js'
export * from './tables/brands.js'
export * from './tables/social-accounts.js'
export * from './tables/campaigns.js'
export * from './tables/content-items.js'
export * from './tables/blackouts.js'
export * from './tables/approval-requests.js'
export * from './tables/comments.js'
export * from './tables/crisis.js'
export * from './tables/limits.js'
export * from './tables/metrics.js'
export * from './tables/publishing.js'
export * from './tables/webhooks.js'
