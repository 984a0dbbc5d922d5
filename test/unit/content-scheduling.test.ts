import t from 'tap'
import {
  addDays, daysBetween, fromInstant, fromLocal, instantToLocal, localDate, localToInstant, resolveSchedule, startOfLocalDay
} from '../../src/modules/content-items/content-scheduling.js'

// 2030: Paris springs forward on 31 March at 02:00 and falls back on 27 October at 03:00;
// New York springs forward on 10 March at 02:00 and falls back on 3 November at 02:00.
const at = (s: string) => localToInstant(s, 'Europe/Paris').toISOString()

t.test('wall time → instant around the Paris changes', async (t) => {
  t.equal(at('2030-03-30T09:00'), '2030-03-30T08:00:00.000Z', 'winter: UTC+1')
  t.equal(at('2030-03-31T01:59:59'), '2030-03-31T00:59:59.000Z', 'the last second before the gap')
  t.equal(at('2030-03-31T03:00'), '2030-03-31T01:00:00.000Z', 'the first time after the gap')
  t.equal(at('2030-04-01T09:00'), '2030-04-01T07:00:00.000Z', 'summer: UTC+2')
  t.throws(() => at('2030-03-31T02:00'), { path: 'scheduledLocal', code: 'HERALD_UNPROCESSABLE', message: /does not exist in Europe\/Paris/ })
  t.throws(() => at('2030-03-31T02:59:59'), { path: 'scheduledLocal', message: /does not exist/ })
  t.equal(at('2030-10-27T02:30'), '2030-10-27T00:30:00.000Z', 'an hour that happens twice: the earlier one (still UTC+2)')
  t.equal(at('2030-10-27T03:00'), '2030-10-27T02:00:00.000Z', 'after the overlap: UTC+1')
  t.equal(at('2030-10-27T01:59'), '2030-10-26T23:59:00.000Z')
})

t.test('wall time → instant around the New York changes', async (t) => {
  const ny = (s: string) => localToInstant(s, 'America/New_York').toISOString()
  t.equal(ny('2030-03-10T01:30'), '2030-03-10T06:30:00.000Z', 'EST: UTC-5')
  t.throws(() => ny('2030-03-10T02:30'), { path: 'scheduledLocal', message: /does not exist in America\/New_York/ })
  t.equal(ny('2030-03-10T03:30'), '2030-03-10T07:30:00.000Z', 'EDT: UTC-4')
  t.equal(ny('2030-11-03T01:30'), '2030-11-03T05:30:00.000Z', 'the first 01:30 (EDT)')
  t.equal(ny('2030-11-03T02:30'), '2030-11-03T07:30:00.000Z', 'after the overlap (EST)')
})

t.test('instant → wall time, local days', async (t) => {
  t.equal(instantToLocal(new Date('2030-10-27T00:30:00Z'), 'Europe/Paris'), '2030-10-27T02:30:00')
  t.equal(instantToLocal(new Date('2030-10-27T01:30:00Z'), 'Europe/Paris'), '2030-10-27T02:30:00', 'the second 02:30 reads the same on the wall')
  t.equal(localDate(new Date('2030-06-01T23:30:00Z'), 'Europe/Paris'), '2030-06-02', '23:30 UTC is the next day in Paris')
  t.equal(localDate(new Date('2030-06-01T23:30:00Z'), 'America/New_York'), '2030-06-01')
  t.equal(startOfLocalDay('2030-03-31', 'Europe/Paris').toISOString(), '2030-03-30T23:00:00.000Z')
  t.equal(startOfLocalDay('2030-04-01', 'Europe/Paris').toISOString(), '2030-03-31T22:00:00.000Z', 'the short day has 23 hours')
  t.equal(startOfLocalDay('2030-09-08', 'America/Santiago').toISOString(), '2030-09-08T04:00:00.000Z', 'a day that starts at 01:00 (midnight skipped)')
  t.equal(addDays('2030-02-28', 1), '2030-03-01')
  t.equal(daysBetween('2030-01-01', '2030-04-03'), 92)
})

t.test('resolveSchedule: which form is the truth, zone defaults, clearing', async (t) => {
  const local = fromLocal('2030-05-01T09:00', 'Europe/Paris')
  t.same(local, { scheduledAt: new Date('2030-05-01T07:00:00Z'), scheduledLocal: '2030-05-01T09:00:00', timeZone: 'Europe/Paris', basis: 'local' })
  const instant = fromInstant(new Date('2030-05-01T07:00:00Z'), 'America/New_York')
  t.equal(instant.scheduledLocal, '2030-05-01T03:00:00')
  t.equal(instant.basis, 'instant')
  t.equal(resolveSchedule({}, local, 'UTC'), undefined, 'nothing sent: unchanged')
  t.equal(resolveSchedule({ scheduledAt: null }, local, 'UTC'), null)
  t.equal(resolveSchedule({ scheduledLocal: null }, local, 'UTC'), null)
  t.equal(resolveSchedule({ scheduledLocal: '2030-05-02T09:00' }, local, 'UTC')!.timeZone, 'Europe/Paris', "the item's zone first")
  t.equal(resolveSchedule({ scheduledLocal: '2030-05-02T09:00' }, null, 'Asia/Tokyo')!.timeZone, 'Asia/Tokyo', "then the brand's")
  const moved = resolveSchedule({ timeZone: 'America/New_York' }, local, 'UTC')!
  t.same([moved.scheduledLocal, moved.scheduledAt.toISOString(), moved.basis], ['2030-05-01T09:00:00', '2030-05-01T13:00:00.000Z', 'local'], 'a local time keeps its wall time in the new zone')
  const kept = resolveSchedule({ timeZone: 'Asia/Tokyo' }, instant, 'UTC')!
  t.same([kept.scheduledLocal, kept.scheduledAt.toISOString(), kept.basis], ['2030-05-01T16:00:00', '2030-05-01T07:00:00.000Z', 'instant'], 'an instant keeps its instant')
  t.throws(() => resolveSchedule({ timeZone: 'Asia/Tokyo' }, null, 'UTC'), { path: 'timeZone', code: 'HERALD_VALIDATION' })
  t.equal(fromLocal('2030-05-01T09:00:30', 'UTC').scheduledLocal, '2030-05-01T09:00:30', 'seconds are kept')
})
