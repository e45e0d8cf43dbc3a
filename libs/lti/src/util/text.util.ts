/** A string field of untrusted JSON: strings as they are, numbers as digits, anything else `fallback`. */
export function text(value: unknown, fallback = ''): string {
  if (typeof value === 'string') {
    return value;
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : fallback;
}
