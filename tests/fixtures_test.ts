/**
 * The committed fixtures are exactly what the generator produces from its seeds, and the generator's own
 * primitives match their specifications.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { fromHex, toHex, utf8 } from "../core/bytes.ts";
import { generateFixtures, listFiles } from "../fixtures/generate.ts";
import { P256, P384 } from "../fixtures/_gen/ec.ts";
import { ecKeyFromScalar, signEcdsa } from "../fixtures/_gen/ecdsa.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));

function assertEquals<T>(actual: T, expected: T, message: string): void {
  if (actual !== expected) throw new Error(`${message}: expected ${String(expected)}, found ${String(actual)}`);
}

Deno.test("generateFixtures() reproduces every committed fixture byte for byte, with no stale files", async () => {
  const set = await generateFixtures();
  const folders = new Set([...set.files.keys()].map((path) => path.split("/")[0]!));
  const committed: string[] = [];
  for (const folder of folders) {
    committed.push(...(await listFiles(`${FIXTURES}${folder}`)).map((p) => `${folder}/${p}`));
  }
  assertEquals(committed.sort().join("\n"), [...set.files.keys()].sort().join("\n"), "File list");
  for (const [path, bytes] of set.files) {
    const onDisk = await Deno.readFile(`${FIXTURES}${path}`);
    assertEquals(toHex(onDisk), toHex(bytes), `Content of fixtures/${path} (run "deno task fixtures")`);
  }
});

Deno.test("fixtures/README.md names the issuer DID and every service kid of mst/expected.json", async () => {
  const readme = await Deno.readTextFile(`${FIXTURES}README.md`);
  const expected = JSON.parse(await Deno.readTextFile(`${FIXTURES}mst/expected.json`));
  const kids: string[] = Object.values(expected.ledgers as Record<string, { keys: { kid: string }[] }>)
    .flatMap((ledger) => ledger.keys.map((key) => key.kid));
  for (const value of [expected.issuer as string, ...kids]) {
    assertEquals(readme.includes(value), true, `README mention of ${value}`);
  }
});

// RFC 6979 §A.2.5 (P-256) and §A.2.6 (P-384), message "sample": the deterministic nonce fixes r and s.
const RFC6979_SAMPLES = [
  {
    curve: P256,
    hash: "SHA-256",
    d: "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721",
    r: "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
    s: "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8",
  },
  {
    curve: P384,
    hash: "SHA-384",
    d: "6b9d3dad2e1b8c1c05b19875b6659f4de23c3b667bf297ba9aa47740787137d896d5724e4c70a825f872c9ea60d2edf5",
    r: "94edbb92a5ecb8aad4736e56c691916b3f88140666ce9fa73d64c4ea95ad133c81a648152e44acf96e36dd1e80fabe46",
    s: "99ef4aeb15f178cea1fe40db2603138f130e740a19624526203b6351d0a3a94fa329c145786e679e7b82c71a38628ac8",
  },
] as const;

Deno.test('signEcdsa() reproduces the RFC 6979 deterministic signatures of "sample" on P-256 and P-384', async () => {
  for (const sample of RFC6979_SAMPLES) {
    const key = ecKeyFromScalar(sample.curve, BigInt(`0x${sample.d}`));
    const signature = await signEcdsa(key, utf8("sample"), { hash: sample.hash });
    assertEquals(toHex(signature), toHex(fromHex(sample.r + sample.s)), `${sample.curve.name} signature`);
  }
});
