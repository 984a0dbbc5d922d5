import neostandard from 'neostandard'

export default [
  ...neostandard({
    ts: true,
    ignores: ['dist/**', 'node_modules/**', '.data/**', '.tap/**', 'migrations/**']
  }),
  {
    rules: {
      // zod idiom: a schema and its inferred type share one name (`const X = z.object(); type X`).
      '@typescript-eslint/no-redeclare': 'off'
    }
  }
]
