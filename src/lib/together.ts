/**
 * Reads issued together, so that their statements travel in one round trip (a unit of work
 * batches what is issued in the same turn), answered as if they had run one after the other:
 * the first failure in the order given is the one thrown. A parent's check and its page, say:
 * a missing or hidden parent is still "not found" even when the page would also have failed
 * (a bad cursor), and the page read beside it is dropped.
 */
export async function together<T extends readonly unknown[]> (...work: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(work)
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T
}
