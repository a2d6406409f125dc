/**
 * `scitt-audit keys generate`: the key files, their modes, refusal to overwrite, and the printed kid.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { utf8 } from "../core/bytes.ts";
import { computeKid } from "../core/receipts/trust_store.ts";
import { importAuditorKey, importAuditorPublicKey } from "../core/report/signing_key.ts";
import { memoryIo } from "../cli/io.ts";
import { runCli } from "../cli/main.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "scitt-audit-keys-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const POSIX = Deno.build.os !== "windows";

Deno.test("keys generate writes a PKCS#8 private key with mode 0600 and an SPKI public key, for every algorithm", async () => {
  await withTempDir(async (dir) => {
    for (const alg of ["ES256", "ES384", "EdDSA"] as const) {
      const io = memoryIo();
      const out = join(dir, "keys");
      assert.equal(await runCli(["keys", "generate", "--alg", alg, "--out", out, "--name", alg], io), 0);
      const privatePath = join(out, `${alg}.key.pem`);
      const publicPath = join(out, `${alg}.pub.pem`);
      const privatePem = await Deno.readTextFile(privatePath);
      const publicPem = await Deno.readTextFile(publicPath);
      assert.match(privatePem, /^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END PRIVATE KEY-----\n$/);
      assert.match(publicPem, /^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);
      if (POSIX) {
        assert.equal((await Deno.stat(privatePath)).mode! & 0o777, 0o600);
        assert.equal((await Deno.stat(publicPath)).mode! & 0o022, 0);
      }

      const key = await importAuditorKey(utf8(privatePem));
      assert.equal(key.alg, alg);
      const kid = await computeKid(importAuditorPublicKey(utf8(publicPem)));
      assert.equal(key.kid, kid);
      assert.deepEqual(io.stdout, [
        `Wrote ${privatePath} (${alg} private key, mode 0600: keep it secret)`,
        `Wrote ${publicPath} (public key)`,
        `kid: ${kid}`,
        publicPem.trimEnd(),
      ]);
    }
  });
});

Deno.test("keys generate defaults to ES256 named auditor and prints JSON with --json", async () => {
  await withTempDir(async (dir) => {
    const io = memoryIo();
    assert.equal(await runCli(["keys", "generate", "--out", dir, "--json"], io), 0);
    const result = JSON.parse(io.stdout[0]!);
    assert.equal(result.alg, "ES256");
    assert.equal(result.privateKey, join(dir, "auditor.key.pem"));
    assert.equal(result.publicKey, join(dir, "auditor.pub.pem"));
    assert.equal(result.publicKeyPem, await Deno.readTextFile(result.publicKey));
    assert.equal(result.kid, await computeKid(importAuditorPublicKey(utf8(result.publicKeyPem))));
  });
});

Deno.test("keys generate refuses to overwrite either existing file and leaves both untouched", async () => {
  await withTempDir(async (dir) => {
    assert.equal(await runCli(["keys", "generate", "--out", dir], memoryIo()), 0);
    const before = await Deno.readTextFile(join(dir, "auditor.key.pem"));
    const io = memoryIo();
    assert.equal(await runCli(["keys", "generate", "--out", dir, "--alg", "EdDSA"], io), 2);
    assert.deepEqual(io.stderr, [
      `scitt-audit: keys generate: ${
        join(dir, "auditor.key.pem")
      } already exists; it is never overwritten (choose another --name or --out)`,
    ]);
    assert.equal(await Deno.readTextFile(join(dir, "auditor.key.pem")), before);

    // Only the public file present: still refused, and no private key is written beside it.
    await Deno.writeTextFile(join(dir, "lonely.pub.pem"), "keep me");
    const second = memoryIo();
    assert.equal(await runCli(["keys", "generate", "--out", dir, "--name", "lonely"], second), 2);
    assert.match(second.stderr[0]!, /lonely\.pub\.pem already exists/);
    await assert.rejects(Deno.stat(join(dir, "lonely.key.pem")), Deno.errors.NotFound);
    assert.equal(await Deno.readTextFile(join(dir, "lonely.pub.pem")), "keep me");
  });
});

Deno.test("keys generate reports usage errors with exit 2", async () => {
  const cases: [string[], RegExp][] = [
    [["keys"], /keys: name an action/],
    [["keys", "rotate"], /unknown action 'rotate'/],
    [["keys", "generate", "--alg", "RS256"], /--alg must be one of ES256, ES384, EdDSA; found 'RS256'/],
    [["keys", "generate", "--name", "../escape"], /--name must be letters, digits/],
    [["keys", "generate", "--bogus"], /Unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    const io = memoryIo();
    assert.equal(await runCli(args, io), 2, args.join(" "));
    assert.equal(io.stderr.length, 1);
    assert.match(io.stderr[0]!, message);
  }
});
