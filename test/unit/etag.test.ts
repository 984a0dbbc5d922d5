import t from 'tap'
import { parseIfMatch } from '../../src/lib/etag.js'

t.test('If-Match parsing', async (t) => {
  t.equal(parseIfMatch(undefined), undefined)
  t.equal(parseIfMatch('*'), '*')
  t.equal(parseIfMatch('"3"'), 3)
  t.equal(parseIfMatch('"1", "7"'), 1)
  t.ok(Number.isNaN(parseIfMatch('W/"3"')), 'weak tags never match')
  t.ok(Number.isNaN(parseIfMatch('3')), 'unquoted tags never match')
})
