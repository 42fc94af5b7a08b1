/**
 * A small memo of a pure string function, bounded so it never grows with the number of distinct
 * inputs: when full it starts over (cheaper than LRU bookkeeping on the hit path, and a hot set
 * refills at once). Used for URL normalisation and key hashing, which repeat for every request
 * to the same URL.
 */
export class BoundedMemo<V> {
  private readonly map = new Map<string, V>();

  constructor(private readonly limit = 2000) {}

  get(input: string, compute: (input: string) => V): V {
    const hit = this.map.get(input);
    if (hit !== undefined) return hit;
    const value = compute(input);
    if (this.map.size >= this.limit) this.map.clear();
    this.map.set(input, value);
    return value;
  }
}
