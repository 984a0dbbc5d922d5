import { defineConfig } from 'drizzle-kit'

// drizzle-kit only reads the table files to generate SQL; it never connects.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './migrations',
  casing: 'snake_case'
})
