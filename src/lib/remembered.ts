/**
 * A bounded memory of recently resolved things (credentials' actors), oldest forgotten first.
 * Correctness never rests on it: whatever is remembered is checked again (a guard) where it
 * matters; it only saves a round trip.
 */
export class Remembered<V> {
  private readonly entries = new Map<string, V>()

  constructor (private readonly capacity = 10_000) {}

  get (key: string): V | undefined {
    return this.entries.get(key)
  }

  set (key: string, value: V): void {
    this.entries.delete(key)
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string)
    this.entries.set(key, value)
  }

  forget (key: string): void {
    this.entries.delete(key)
  }
}
