import t from 'tap'
import { isoString } from '../../src/lib/http.js'

// isoString replaces Date.prototype.toISOString on the reply path: it must give the same text.
t.test('isoString writes what toISOString writes', async (t) => {
  const edges = [0, 1, 999, 951782400000, 951868799999, 951868800000, 1709164800000, 4107542400000, 4102444799999, 253402300799999, 253402300800000, -1, -62135596800000, 8.64e15]
  for (const ms of edges) t.equal(isoString(new Date(ms)), new Date(ms).toISOString(), `at ${ms}`)
  t.throws(() => isoString(new Date(NaN)), RangeError, 'an invalid date throws as toISOString does')
  // Every day boundary of 1970–2200 (leap years, centuries) and a random instant in each day.
  let mismatches = 0
  for (let day = 0; day < 84000; day++) {
    for (const ms of [day * 86400000, day * 86400000 + 86399999, day * 86400000 + Math.floor(Math.random() * 86400000)]) {
      if (isoString(new Date(ms)) !== new Date(ms).toISOString()) mismatches++
    }
  }
  t.equal(mismatches, 0, 'no difference over 252,000 instants')
})
