import t from 'tap'
import { inlineParams } from '../../src/db/inline-params.js'

// inlineParams writes a statement's $n parameters in as literals so several statements travel
// in one message. Parameters inside quotes, quoted identifiers, comments and dollar-quoted
// bodies are not parameters and must be copied untouched.

t.test('parameters become literals; quoted text, identifiers, comments and dollar bodies stay as written', async (t) => {
  const cases: Array<[string, unknown[], string]> = [
    ['select $1', ['a'], "select 'a'"],
    ['select $1, $2, $10', ['a', null, 'j', 4, 5, 6, 7, 8, 9, 'ten'], "select 'a', NULL, 'ten'"],
    ["select '$1', $1", ['x'], "select '$1', 'x'"],
    ["select 'it''s $1', $1", ['x'], "select 'it''s $1', 'x'"],
    ['select "$1" from t where a = $1', ['x'], 'select "$1" from t where a = \'x\''],
    ['select $1 -- $1 here\n, $2', ['a', 'b'], "select 'a' -- $1 here\n, 'b'"],
    ['select /* $1 */ $1', ['a'], "select /* $1 */ 'a'"],
    ['select $$ $1 $$, $1', ['a'], "select $$ $1 $$, 'a'"],
    ['select $fn$ $1 $fn$, $1', ['a'], "select $fn$ $1 $fn$, 'a'"],
    ['select $1::jsonb', [{ k: "it's" }], 'select \'{"k":"it\'\'s"}\'::jsonb'],
    // pg's own escaping for a backslash: an E'' string (with its leading space).
    ['select $1', ['back\\slash'], "select  E'back\\\\slash'"],
    ['select $1', [42], "select '42'"],
    ['select $1', [true], "select 'true'"],
    ['select $1', [Buffer.from([1, 255])], "select '\\x01ff'::bytea"],
    ['select $1', [['a', 'b"c']], 'select  E\'{"a","b\\\\"c"}\''],
    ["select 'unterminated $1", ['a'], "select 'unterminated $1"],
    ['select 1', ['unused'], 'select 1'],
    ['select a-$1', [1], "select a-'1'"],
    ['select a/$1', [2], "select a/'2'"]
  ]
  for (const [text, values, expected] of cases) t.equal(inlineParams(text, values), expected, text)
})

t.test('a parameter with no value is an error, not a silent NULL', async (t) => {
  t.throws(() => inlineParams('select $2', ['a']), /no value for \$2/)
  t.throws(() => inlineParams('select $0', ['a']), /no value for \$0/)
})

t.test('no values: the text as it is', async (t) => {
  t.equal(inlineParams('select $1', undefined), 'select $1')
  t.equal(inlineParams('select $1', []), 'select $1')
})
