/**
 * The order of a `random_seed` search: a hash of (seed, type, id), so one seed gives one order on every page, every
 * node and both databases (sequence numbers differ between databases, ids do not), and an object keeps its place
 * when it is edited or published. Not cryptographic: it only has to look random and be cheap for 100 000 ids.
 */

/** FNV-1a over UTF-16 code units, from `h`. */
function fnv1a(s: string, h: number): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's 32-bit finalizer: every input bit reaches every output bit. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The rank function of a seed: (type, id) → a number in [0, 1), 53 bits of two independent 32-bit lanes. */
export function seededRank(seed: string): (type: string, id: string) => number {
  const a = mix(fnv1a(seed, 0x811c9dc5));
  const b = mix(fnv1a(seed, 0x2f5a3c17));
  // type, a NUL (no type name holds one), then the id: the same as hashing `${type}\0${id}`, without the string
  const key = (type: string, id: string, h: number) => fnv1a(id, Math.imul(fnv1a(type, h), 0x01000193));
  return (type, id) => {
    const hi = mix(key(type, id, a)) >>> 11; // 21 bits
    const lo = mix(key(type, id, b)); // 32 bits
    return (hi * 0x1_0000_0000 + lo) / 2 ** 53;
  };
}
