// pg's lib/utils.js (pg publishes it, './lib/*' in its exports, but @types/pg does not type it):
// its text encoding of a parameter and its literal quoting (src/db/inline-params.ts).
declare module 'pg/lib/utils.js' {
  const utils: {
    prepareValue: (v: unknown) => string | Buffer | null
    escapeLiteral: (s: string) => string
  }
  export default utils
}
