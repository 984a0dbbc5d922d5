import neostandard from 'neostandard'
import herald from './eslint/module-boundaries.js'

export default [
  ...neostandard({
    ts: true,
    ignores: ['dist/**', 'node_modules/**', '.data/**', '.tap/**', '.test-build/**', 'migrations/**']
  }),
  {
    rules: {
      // zod idiom: a schema and its inferred type share one name (`const X = z.object(); type X`).
      '@typescript-eslint/no-redeclare': 'off'
    }
  },
  {
    // How modules reach each other (CONTRIBUTING.md): enforced, so a shortcut fails npm test.
    files: ['src/**/*.ts'],
    plugins: { herald },
    rules: {
      'herald/module-imports': 'error',
      'herald/table-owners': 'error',
      'herald/queries-read-only': 'error'
    }
  }
]
