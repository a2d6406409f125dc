/**
 * The WebAssembly signature core against WebCrypto: differential tests over random keys and messages, valid and
 * corrupted (signature bit flips, wrong hash, wrong salt length, r or s = 0, n, n + 1, high s, out-of-range RSA
 * representatives, off-curve points), every case compared with WebCrypto's answer; and the RSA exponentiation
 * against BigInt for arbitrary odd exponents. The choices of messages and corruptions come from fixed seeds; the
 * keys come from WebCrypto's generator. Wycheproof conformance of the core is in tests/wycheproof_test.ts.
 *
 * @module
 */

import assert from "node:assert/strict";
import { AuditError } from "../errors.ts";
import { type EcCurve, ecPublicKey, type PublicKey, publicKeyFromSpki, rsaPublicKey } from "./public_key.ts";
import { type SignatureScheme, verifySignature, verifyWithWebCrypto } from "./signature.ts";
import { coreRsaPublic, coreSha, coreSupports, coreVerify } from "./signature_core.ts";
import { createHash } from "node:crypto";
import type { HashName } from "./digest.ts";

/** xorshift32: a small deterministic generator for the test's choices. */
function generator(seed: number): { int(below: number): number; bytes(n: number): Uint8Array } {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
  return {
    int: (below) => next() % below,
    bytes: (n) => Uint8Array.from({ length: n }, () => next() & 0xff),
  };
}

function toBig(bytes: Uint8Array): bigint {
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return hex === "" ? 0n : BigInt(`0x${hex}`);
}

function toBytes(value: bigint, length: number): Uint8Array {
  const hex = value.toString(16).padStart(length * 2, "0");
  if (hex.length > length * 2) return toBytes(value, length + 1);
  return Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));
}

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}

/** One verification to run on both sides. */
interface Case {
  readonly key: PublicKey;
  readonly scheme: SignatureScheme;
  readonly data: Uint8Array;
  readonly signature: Uint8Array;
  readonly kind: string;
  /**
   * Set where WebCrypto is known to be laxer than RFC 8017 and the core must still say `false`: Deno's WebCrypto
   * accepts an RSA signature representative s + n (≥ n, so "out of range" by RFC 8017 §5.2.2) when it fits the
   * modulus length.
   */
  readonly laxWebCrypto?: true;
}

type Answer = boolean | "key rejected";

async function answer(run: () => boolean | Promise<boolean>): Promise<Answer> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AuditError && error.code === "KEY_UNSUPPORTED") return "key rejected";
    throw error;
  }
}

/** Runs every case on the core and on WebCrypto; returns counts by kind and outcome, failing on any difference. */
async function compare(cases: readonly Case[]): Promise<Map<string, number>> {
  const tally = new Map<string, number>();
  const mismatches: string[] = [];
  const CHUNK = 64;
  for (let i = 0; i < cases.length; i += CHUNK) {
    const chunk = cases.slice(i, i + CHUNK);
    const theirs = await Promise.all(
      chunk.map((c) => answer(() => verifyWithWebCrypto(c.key, c.scheme, c.data, c.signature))),
    );
    chunk.forEach((c, j) => {
      const ours = (() => {
        try {
          return coreVerify(c.key, c.scheme, c.data, c.signature);
        } catch (error) {
          if (error instanceof AuditError && error.code === "KEY_UNSUPPORTED") return "key rejected";
          throw error;
        }
      })();
      const label = c.laxWebCrypto
        ? `${c.kind}: ${String(ours)} (WebCrypto ${theirs[j]})`
        : `${c.kind}: ${String(ours)}`;
      tally.set(label, (tally.get(label) ?? 0) + 1);
      if (c.laxWebCrypto) {
        if (ours !== false) mismatches.push(`${c.kind}: core ${ours}, must be false`);
      } else if (ours !== theirs[j]) {
        mismatches.push(`${c.kind} (${JSON.stringify(c.scheme)}): core ${ours}, WebCrypto ${theirs[j]}`);
      }
    });
  }
  assert.deepEqual(mismatches.slice(0, 10), [], `${mismatches.length} differences from WebCrypto`);
  return tally;
}

function report(name: string, total: number, tally: Map<string, number>): void {
  const parts = [...tally.entries()].sort().map(([k, v]) => `${k} ×${v}`);
  console.log(`${name}: ${total} cases agree with WebCrypto (${parts.join(", ")})`);
}

const CURVE_HASH: Readonly<Record<EcCurve, HashName>> = { "P-256": "SHA-256", "P-384": "SHA-384", "P-521": "SHA-512" };
const CURVE_N: Readonly<Record<EcCurve, bigint>> = {
  "P-256": 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  "P-384": 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  "P-521":
    0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
};
const CURVE_BYTES: Readonly<Record<EcCurve, number>> = { "P-256": 32, "P-384": 48, "P-521": 66 };

/** Ten cases per WebCrypto signature: the signature, its high-s twin, and eight corruptions. */
async function ecdsaCases(curve: EcCurve, keys: number, perKey: number, seed: number): Promise<Case[]> {
  const rng = generator(seed);
  const hash = CURVE_HASH[curve];
  const n = CURVE_N[curve];
  const size = CURVE_BYTES[curve];
  const otherHash: HashName = hash === "SHA-256" ? "SHA-384" : "SHA-256";
  const cases: Case[] = [];
  for (let k = 0; k < keys; k++) {
    const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: curve }, true, ["sign", "verify"]);
    const key = publicKeyFromSpki(new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey)));
    assert.ok(key.kty === "EC");
    const scheme: SignatureScheme = { name: "ECDSA", hash };
    const messages = Array.from({ length: perKey }, () => rng.bytes(rng.int(200)));
    const signatures = await Promise.all(
      messages.map(async (data) =>
        new Uint8Array(
          await crypto.subtle.sign({ name: "ECDSA", hash }, pair.privateKey, data as Uint8Array<ArrayBuffer>),
        )
      ),
    );
    messages.forEach((data, i) => {
      const sig = signatures[i]!;
      const r = toBig(sig.subarray(0, size));
      const s = toBig(sig.subarray(size));
      const raw = (rv: bigint, sv: bigint) => {
        const out = new Uint8Array(2 * size);
        const rb = toBytes(rv, size);
        const sb = toBytes(sv, size);
        if (rb.length > size || sb.length > size) return new Uint8Array(2 * size + 1); // n + 1 can overflow P-521's size
        out.set(rb, 0);
        out.set(sb, size);
        return out;
      };
      const add = (kind: string, signature: Uint8Array, c: Partial<Case> = {}) =>
        cases.push({ key, scheme, data, signature, kind, ...c });
      add("valid", sig);
      add("high s", raw(r, n - s));
      add("signature bit flip", flipBit(sig, rng.int(16 * size)));
      add("signature bit flip", flipBit(sig, rng.int(16 * size)));
      add("message bit flip", sig, {
        data: data.length > 0 ? flipBit(data, rng.int(8 * data.length)) : new Uint8Array([0]),
      });
      add("wrong hash", sig, { scheme: { name: "ECDSA", hash: otherHash } });
      const edge = [0n, n, n + 1n, n - 1n][i % 4]!;
      add(`r = ${["0", "n", "n+1", "n-1"][i % 4]}`, raw(edge, s));
      add(`s = ${["0", "n", "n+1", "n-1"][(i + 1) % 4]}`, raw(r, [0n, n, n + 1n, n - 1n][(i + 1) % 4]!));
      add("short signature", sig.subarray(0, 2 * size - 1));
      if (i === 0) {
        // The same coordinates with y + 1: not on the curve, both sides refuse the key.
        const y = toBytes((toBig(key.y) + 1n) % (1n << BigInt(8 * size)), size);
        add("off-curve key", sig, { key: ecPublicKey(curve, key.x, y) });
      } else {
        add("swapped r and s", raw(s, r));
      }
    });
  }
  return cases;
}

Deno.test("the core agrees with WebCrypto on ECDSA P-256: 10,000 cases over 100 keys", async () => {
  const cases = await ecdsaCases("P-256", 100, 10, 256);
  assert.ok(cases.length >= 10_000);
  report("P-256", cases.length, await compare(cases));
});

Deno.test("the core agrees with WebCrypto on ECDSA P-384: 10,000 cases over 100 keys", async () => {
  const cases = await ecdsaCases("P-384", 100, 10, 384);
  assert.ok(cases.length >= 10_000);
  report("P-384", cases.length, await compare(cases));
});

Deno.test("the core agrees with WebCrypto on ECDSA P-521: 1,000 cases over 20 keys", async () => {
  const cases = await ecdsaCases("P-521", 20, 5, 521);
  report("P-521", cases.length, await compare(cases));
});

const RSA_KEYS: ReadonlyArray<readonly [bits: number, count: number, e: number[]]> = [
  [2048, 6, [1, 0, 1]],
  [2048, 2, [3]],
  [3072, 5, [1, 0, 1]],
  [3072, 1, [3]],
  [4096, 2, [1, 0, 1]],
];

interface RsaKey {
  readonly key: PublicKey;
  readonly pss: CryptoKey;
  readonly pkcs1: CryptoKey;
  readonly bits: number;
}

/** The RSA keys, generated once for both schemes (the private key is imported again for the other scheme). */
const rsaKeys: Promise<RsaKey[]> = (async () => {
  const specs = RSA_KEYS.flatMap(([bits, count, e]) => Array.from({ length: count }, () => ({ bits, e })));
  return await Promise.all(specs.map(async ({ bits, e }) => {
    const pair = await crypto.subtle.generateKey(
      { name: "RSA-PSS", modulusLength: bits, publicExponent: new Uint8Array(e), hash: "SHA-384" },
      true,
      ["sign", "verify"],
    );
    const pkcs8 = await crypto.subtle.exportKey("pkcs8", pair.privateKey);
    const pkcs1 = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-384" }, false, [
      "sign",
    ]);
    const key = publicKeyFromSpki(new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey)));
    return { key, pss: pair.privateKey, pkcs1, bits };
  }));
})();

/** Ten cases per signature: the signature and nine corruptions, for PSS (SHA-384, 48-byte salt) or PKCS #1 v1.5. */
async function rsaCases(pss: boolean, perKey: number, seed: number): Promise<Case[]> {
  const rng = generator(seed);
  const cases: Case[] = [];
  const scheme: SignatureScheme = pss
    ? { name: "RSA-PSS", hash: "SHA-384", saltLength: 48 }
    : { name: "RSASSA-PKCS1-v1_5", hash: "SHA-384" };
  for (const { key, pss: pssKey, pkcs1 } of await rsaKeys) {
    assert.ok(key.kty === "RSA");
    const n = toBig(key.n);
    const k = key.n.length;
    const messages = Array.from({ length: perKey }, () => rng.bytes(rng.int(300)));
    const signatures = await Promise.all(messages.map(async (data) =>
      new Uint8Array(
        await crypto.subtle.sign(
          pss ? { name: "RSA-PSS", saltLength: 48 } : { name: "RSASSA-PKCS1-v1_5" },
          pss ? pssKey : pkcs1,
          data as Uint8Array<ArrayBuffer>,
        ),
      )
    ));
    messages.forEach((data, i) => {
      const sig = signatures[i]!;
      const add = (kind: string, signature: Uint8Array, c: Partial<Case> = {}) =>
        cases.push({ key, scheme, data, signature, kind, ...c });
      add("valid", sig);
      add("signature bit flip", flipBit(sig, rng.int(8 * k)));
      add("signature bit flip (low byte)", flipBit(sig, rng.int(8)));
      add("signature bit flip (top byte)", flipBit(sig, 8 * (k - 1) + rng.int(8)));
      add("message bit flip", sig, {
        data: data.length > 0 ? flipBit(data, rng.int(8 * data.length)) : new Uint8Array([1]),
      });
      add("wrong hash", sig, {
        scheme: pss
          ? { name: "RSA-PSS", hash: "SHA-256", saltLength: 48 }
          : { name: "RSASSA-PKCS1-v1_5", hash: "SHA-512" },
      });
      if (pss) {
        add("wrong salt length", sig, {
          scheme: { name: "RSA-PSS", hash: "SHA-384", saltLength: [0, 32, 47, 49, 64][i % 5]! },
        });
      } else add("wrong hash (SHA-256)", sig, { scheme: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } });
      const edge = [0n, n, n + 1n, n - 1n, toBig(sig) + n][i % 5]!;
      add(`s = ${["0", "n", "n+1", "n-1", "s+n"][i % 5]}`, toBytes(edge, k), i % 5 === 4 ? { laxWebCrypto: true } : {});
      add("short signature", sig.subarray(1));
      add("zero-padded signature", new Uint8Array([0, ...sig]));
    });
  }
  return cases;
}

Deno.test("the core agrees with WebCrypto on RSA-PSS: 10,000 cases over 16 keys of 2048 to 4096 bits", async () => {
  const cases = await rsaCases(true, 63, 0x955);
  assert.ok(cases.length >= 10_000);
  report("RSA-PSS", cases.length, await compare(cases));
});

Deno.test("the core agrees with WebCrypto on RSASSA-PKCS1-v1_5: 10,000 cases over 16 keys", async () => {
  const cases = await rsaCases(false, 63, 0x1515);
  assert.ok(cases.length >= 10_000);
  report("RSASSA-PKCS1-v1_5", cases.length, await compare(cases));
});

Deno.test("the core's RSA exponentiation matches BigInt for any odd exponent and modulus size", () => {
  const rng = generator(65537);
  const modPow = (b: bigint, e: bigint, m: bigint) => {
    let result = 1n;
    let base = b % m;
    for (let x = e; x > 0n; x >>= 1n) {
      if (x & 1n) result = (result * base) % m;
      base = (base * base) % m;
    }
    return result;
  };
  let checked = 0;
  for (const bytes of [128, 129, 200, 256, 300, 384, 511, 512]) {
    for (let i = 0; i < 6; i++) {
      const n = rng.bytes(bytes);
      n[0]! |= 0x80 >> rng.int(8);
      n[0]! |= 1;
      n[bytes - 1]! |= 1; // odd, full length
      const e = i === 0 ? new Uint8Array([1, 0, 1]) : i === 1 ? new Uint8Array([3]) : rng.bytes(1 + rng.int(i * 8));
      e[e.length - 1]! |= 1;
      if (e.length === 1 && e[0]! < 3) e[0] = 3;
      const key = rsaPublicKey(n, e);
      assert.ok(coreSupports(key, { name: "RSA-PSS", hash: "SHA-256", saltLength: 32 }));
      const nBig = toBig(n);
      for (const s of [0n, 1n, 2n, nBig - 1n, toBig(rng.bytes(bytes)) % nBig]) {
        const expected = toBytes(modPow(s, toBig(e), nBig), bytes);
        assert.deepEqual(coreRsaPublic(key, toBytes(s, bytes)), expected, `${bytes}-byte n, e ${toBig(e)}`);
        checked++;
      }
      assert.equal(coreRsaPublic(key, n), undefined, "s = n is out of range");
      assert.equal(coreRsaPublic(key, new Uint8Array(bytes).fill(0xff)), undefined, "s > n is out of range");
    }
  }
  assert.equal(checked, 240);
});

Deno.test("the core's SHA-384 and SHA-512 (used by its PSS checks) match node:crypto for every length to 256", () => {
  const rng = generator(512);
  for (let length = 0; length <= 256; length++) {
    const data = rng.bytes(length);
    for (const [name, node] of [["SHA-384", "sha384"], ["SHA-512", "sha512"]] as const) {
      assert.deepEqual(
        coreSha(name, data),
        new Uint8Array(createHash(node).update(data).digest()),
        `${name}, ${length}`,
      );
    }
  }
});

Deno.test("verifySignature() goes to the core for ECDSA and RSA and keeps its behaviour at the edges", async () => {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const key = publicKeyFromSpki(new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey)));
  const data = new TextEncoder().encode("core");
  const sig = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, data));
  const scheme: SignatureScheme = { name: "ECDSA", hash: "SHA-256" };
  assert.equal(coreSupports(key, scheme), true);
  assert.equal(await verifySignature(key, scheme, data, sig), true);
  assert.equal(await verifySignature(key, scheme, data, flipBit(sig, 3)), false);
  assert.equal(await verifySignature(key, scheme, data, sig.subarray(1)), false);
  // A key of the wrong type for the scheme is refused before any check, as before.
  await assert.rejects(
    verifySignature(key, { name: "RSA-PSS", hash: "SHA-256", saltLength: 32 }, data, sig),
    (e: unknown) => e instanceof AuditError && e.code === "KEY_UNSUPPORTED",
  );
  // A point off the curve verifies nothing (as WebCrypto answered before the core).
  assert.equal(
    await verifySignature(ecPublicKey("P-256", new Uint8Array(32), new Uint8Array(32)), scheme, data, sig),
    false,
  );
  // An RSA representative s + n is out of range (RFC 8017 §5.2.2), though WebCrypto here accepts it.
  const rsa = (await rsaKeys)[0]!;
  assert.ok(rsa.key.kty === "RSA");
  const pss: SignatureScheme = { name: "RSA-PSS", hash: "SHA-384", saltLength: 48 };
  const rsaSig = new Uint8Array(await crypto.subtle.sign({ name: "RSA-PSS", saltLength: 48 }, rsa.pss, data));
  assert.equal(await verifySignature(rsa.key, pss, data, rsaSig), true);
  const beyond = toBytes(toBig(rsaSig) + toBig(rsa.key.n), rsa.key.n.length);
  if (beyond.length === rsa.key.n.length) assert.equal(await verifySignature(rsa.key, pss, data, beyond), false);
  // Ed25519 stays on WebCrypto.
  assert.equal(coreSupports(key, { name: "Ed25519" }), false);
});
