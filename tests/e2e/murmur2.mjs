// An independent JavaScript implementation of Kafka's `Utils.murmur2` and `Utils.toPositive`
// (clients/src/main/java/org/apache/kafka/common/utils/Utils.java), used by the end-to-end tests
// to predict which partition the default partitioner picks for a keyed record.
//
// MurmurHash2, 32-bit: seed 0x9747b28c, m = 0x5bd1e995, r = 24, h = seed ^ length, the body read
// as 4-byte little-endian words, the tail falling through cases 3/2/1, and the final mix
// h ^= h >>> 13; h *= m; h ^= h >>> 15. Java's `int` arithmetic is reproduced with Math.imul and
// `| 0`, so the result is the same signed 32-bit integer Kafka returns.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/**
 * Kafka's `Utils.murmur2(byte[])`.
 * @param {Uint8Array} data
 * @returns {number} signed 32-bit hash
 */
export function murmur2(data) {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;

  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k =
      (data[i4] & 0xff) |
      ((data[i4 + 1] & 0xff) << 8) |
      ((data[i4 + 2] & 0xff) << 16) |
      ((data[i4 + 3] & 0xff) << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }

  const tail = length & ~3;
  switch (length % 4) {
    case 3:
      h ^= (data[tail + 2] & 0xff) << 16;
    // falls through
    case 2:
      h ^= (data[tail + 1] & 0xff) << 8;
    // falls through
    case 1:
      h ^= data[tail] & 0xff;
      h = Math.imul(h, M);
  }

  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's `Utils.toPositive(int)`: clears the sign bit (not Math.abs). */
export function toPositive(n) {
  return n & 0x7fffffff;
}

/** The bytes Kafka's StringSerializer produces for a key (UTF-8). */
export function utf8(s) {
  return new TextEncoder().encode(s);
}

/** The partition Kafka's default partitioner picks for a non-null string key. */
export function partitionForKey(key, numPartitions) {
  return toPositive(murmur2(utf8(key))) % numPartitions;
}
