import { createHash } from 'node:crypto';

function digest(parts: readonly string[]): Buffer {
  return createHash('sha256').update(parts.join('\0')).digest();
}

/**
 * An opaque id for something the browser must not be able to line up with the answer key (step
 * ids like s1..s4 give the order away; a right's own pair id gives the match away).
 */
export function publicToken(seed: string, itemId: string, kind: string, id: string): string {
  return `k${digest([seed, itemId, kind, id]).toString('hex').slice(0, 12)}`;
}

/**
 * The same order for the same seed (a reload shows what the learner saw), never the authored
 * order when there are two or more entries (that order is the answer).
 */
export function seededShuffle<T>(
  entries: readonly T[],
  seed: string,
  itemId: string,
  kind: string,
): T[] {
  const out = [...entries];
  let state = digest([seed, itemId, kind]).readUInt32BE(0);
  const random = (): number => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  if (out.length > 1 && out.every((entry, index) => entry === entries[index])) {
    out.push(out.shift() as T);
  }
  return out;
}
