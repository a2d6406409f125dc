/**
 * Generates `wasm/signature/field.ts`: straight-line field arithmetic for the NIST primes, one set of functions
 * per curve, in 27-bit limbs held in locals. Multiplication and squaring are product scanning with Montgomery
 * reduction in which the multiples of p are never multiplied out: each NIST prime is a short signed sum of
 * powers of two (p256 = 2^256 − 2^224 + 2^192 + 2^96 − 1, …), so adding q·p·2^(27j) is a handful of shifted
 * additions of q into later columns (signed accumulators; p ≡ −1 mod 2^27, so q is the column's low bits).
 * `wasm/build.ts` writes the file from this generator and `--check` fails when it differs.
 *
 * @module
 */

/** One curve's prime as signed powers of two, and its limb count (27·limbs ≥ bits + 2). */
interface Prime {
  readonly name: string;
  readonly limbs: number;
  /** [sign, exponent] pairs, the sum being p. */
  readonly terms: ReadonlyArray<readonly [1 | -1, number]>;
}

const W = 27;

/** The NIST primes the core uses. */
export const PRIMES: readonly Prime[] = [
  { name: "P256", limbs: 10, terms: [[1, 256], [-1, 224], [1, 192], [1, 96], [-1, 0]] },
  { name: "P384", limbs: 15, terms: [[1, 384], [-1, 128], [-1, 96], [1, 32], [-1, 0]] },
  { name: "P521", limbs: 20, terms: [[1, 521], [-1, 0]] },
];

function primeLimbs(prime: Prime): bigint[] {
  let p = 0n;
  for (const [sign, e] of prime.terms) p += BigInt(sign) * (1n << BigInt(e));
  const mask = (1n << BigInt(W)) - 1n;
  return Array.from({ length: prime.limbs }, (_, i) => (p >> BigInt(W * i)) & mask);
}

function loads(prefix: string, ptr: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `  const ${prefix}${i} = <i64>load<u32>(${ptr}, ${4 * i});`);
}

/** Adds q_j·p·2^(27j) for every j whose terms land in column `col`; returns the expressions. */
function reductionTerms(prime: Prime, col: number, maxJ: number): string[] {
  const out: string[] = [];
  for (let j = 0; j <= maxJ; j++) {
    for (const [sign, e] of prime.terms) {
      if (e === 0) continue; // the −1 term is applied as the column's q is taken
      const k = Math.floor(e / W);
      const s = e % W;
      if (j + k !== col) continue;
      const term = s === 0 ? `q${j}` : `(q${j} << ${s})`;
      out.push(`${sign > 0 ? "+" : "-"} ${term}`);
    }
  }
  return out;
}

function conditionalSubtract(prime: Prime, limbs: bigint[]): string[] {
  const n = prime.limbs;
  const lines: string[] = ["  let c: i64 = 0;"];
  for (let i = 0; i < n; i++) {
    lines.push(`  const d${i} = t${i} - ${limbs[i]} + c;`);
    lines.push(`  c = d${i} >> ${W};`);
  }
  lines.push("  if (c < 0) {");
  for (let i = 0; i < n; i++) lines.push(`    store<u32>(r, <u32>t${i}, ${4 * i});`);
  lines.push("  } else {");
  for (let i = 0; i < n; i++) lines.push(`    store<u32>(r, <u32>(d${i} & MASK), ${4 * i});`);
  lines.push("  }");
  return lines;
}

function montgomery(prime: Prime, square: boolean): string {
  const n = prime.limbs;
  const limbs = primeLimbs(prime);
  const name = `${square ? "sqr" : "mul"}${prime.name}`;
  const lines: string[] = [];
  lines.push(
    square
      ? `/** r = a²·R⁻¹ mod ${prime.name.toLowerCase()}, reduced below p (a < p). r may be a. */`
      : `/** r = a·b·R⁻¹ mod ${prime.name.toLowerCase()}, reduced below p (a, b < p). r may be a or b. */`,
  );
  lines.push(`export function ${name}(r: usize, a: usize${square ? "" : ", b: usize"}): void {`);
  lines.push(...loads("a", "a", n));
  if (!square) lines.push(...loads("b", "b", n));
  lines.push("  let acc: i64 = 0;");
  for (let col = 0; col < 2 * n - 1; col++) {
    const products: string[] = [];
    const lo = Math.max(0, col - n + 1);
    const hi = Math.min(col, n - 1);
    if (square) {
      const cross: string[] = [];
      for (let j = lo; j <= hi; j++) {
        const k = col - j;
        if (j < k) cross.push(`a${j} * a${k}`);
        else if (j === k) products.push(`a${j} * a${j}`);
      }
      if (cross.length > 0) products.push(`((${cross.join(" + ")}) << 1)`);
    } else {
      for (let j = lo; j <= hi; j++) products.push(`a${j} * b${col - j}`);
    }
    const reduction = reductionTerms(prime, col, Math.min(col, n - 1));
    const sum = [products.join(" + "), ...reduction].filter((x) => x !== "").join(" ");
    if (sum !== "") lines.push(`  acc += ${sum};`);
    if (col < n) {
      lines.push(`  const q${col} = acc & MASK;`);
      lines.push(`  acc = (acc - q${col}) >> ${W};`);
    } else {
      lines.push(`  const t${col - n} = acc & MASK;`);
      lines.push(`  acc >>= ${W};`);
    }
  }
  lines.push(`  const t${n - 1} = acc;`);
  lines.push(...conditionalSubtract(prime, limbs));
  lines.push("}");
  return lines.join("\n");
}

function addition(prime: Prime): string {
  const n = prime.limbs;
  const limbs = primeLimbs(prime);
  const lines: string[] = [];
  lines.push(`/** r = a + b mod ${prime.name.toLowerCase()} (a, b < p). r may be a or b. */`);
  lines.push(`export function add${prime.name}(r: usize, a: usize, b: usize): void {`);
  lines.push("  let acc: i64 = 0;");
  for (let i = 0; i < n; i++) {
    lines.push(`  acc += <i64>load<u32>(a, ${4 * i}) + <i64>load<u32>(b, ${4 * i});`);
    lines.push(`  const t${i} = acc & MASK;`);
    lines.push(`  acc >>= ${W};`);
  }
  lines.push(...conditionalSubtract(prime, limbs));
  lines.push("}");
  return lines.join("\n");
}

function subtraction(prime: Prime): string {
  const n = prime.limbs;
  const limbs = primeLimbs(prime);
  const lines: string[] = [];
  lines.push(`/** r = a − b mod ${prime.name.toLowerCase()} (a, b < p). r may be a or b. */`);
  lines.push(`export function sub${prime.name}(r: usize, a: usize, b: usize): void {`);
  lines.push("  let acc: i64 = 0;");
  for (let i = 0; i < n; i++) {
    lines.push(`  acc += <i64>load<u32>(a, ${4 * i}) - <i64>load<u32>(b, ${4 * i});`);
    lines.push(`  const t${i} = acc & MASK;`);
    lines.push(`  acc >>= ${W};`);
  }
  // acc is 0 or −1; on −1 add p back.
  lines.push("  const borrow = acc;");
  lines.push("  let c: i64 = 0;");
  for (let i = 0; i < n; i++) {
    lines.push(`  c += t${i} + (${limbs[i]} & borrow);`);
    lines.push(`  store<u32>(r, <u32>(c & MASK), ${4 * i});`);
    lines.push(`  c >>= ${W};`);
  }
  lines.push("}");
  return lines.join("\n");
}

/** The text of `wasm/signature/field.ts`. */
export function fieldSource(): string {
  const parts = [
    "// deno-fmt-ignore-file",
    "// Generated by wasm/field_gen.ts (run `deno task wasm`); do not edit. Field arithmetic mod the NIST primes in",
    "// 27-bit limbs: every input and output is fully reduced (below p), Montgomery form where the caller uses it.",
    "",
    "const MASK: i64 = (1 << 27) - 1;",
  ];
  for (const prime of PRIMES) {
    parts.push("", montgomery(prime, false), "", montgomery(prime, true), "", addition(prime), "", subtraction(prime));
  }
  return parts.join("\n") + "\n";
}
