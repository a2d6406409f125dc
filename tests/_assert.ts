/**
 * The assertions the tests share beyond `node:assert/strict`: a condition with a message, and equality by JSON
 * value with the message naming what was compared (for results the tests build from plain data).
 */

/** Throws `message` unless `condition` holds. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Throws unless `actual` and `expected` have the same JSON text, naming `message`, the expected and the found. */
export function assertEquals<T>(actual: T, expected: T, message = "value"): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${message}: expected ${e}, found ${a}`);
}
