/**
 * Audit bundles: pack, list and run; a changed byte anywhere is refused; member paths that could leave the
 * bundle are refused.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { concat, fromUtf8, toHex, utf8 } from "../core/bytes.ts";
import { BUNDLE_MAGIC, encodeBundle, readBundle } from "../core/bundle/mod.ts";
import { sha256 } from "../core/crypto/digest.ts";
import { AuditError } from "../core/errors.ts";
import { canonicalJson } from "../core/report/canonical_json.ts";
import { encodeReport } from "../core/report/report_json.ts";
import { runAudit } from "../cli/audit.ts";
import { memoryIo } from "../cli/io.ts";
import { runCli } from "../cli/main.ts";
import { assertEquals } from "./_assert.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const DEMO = `${ROOT}fixtures/demo/demo.yaml`;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuditError) return error.code;
    throw error;
  }
  return "accepted";
}

async function withPackedDemo(fn: (dir: string, bundle: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    const bundle = `${dir}/audit.bundle`;
    const io = memoryIo();
    assertEquals(await runCli(["bundle", "pack", DEMO, "-o", bundle], io), 0, "pack exit status");
    assertEquals(io.stdout[0]?.startsWith(`Packed 7 files (`), true, io.stdout[0]);
    await fn(dir, bundle);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A bundle written by hand, for manifests `encodeBundle` would refuse to write. */
async function rawBundle(playbook: string, files: { path: string; bytes: Uint8Array }[]): Promise<Uint8Array> {
  const entries = await Promise.all(
    files.map(async (f) => ({ path: f.path, sha256: toHex(await sha256(f.bytes)), size: f.bytes.length })),
  );
  const manifest = utf8(canonicalJson({ files: entries, format: "scitt-audit-bundle/1", playbook }));
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, manifest.length);
  const body = concat([utf8(BUNDLE_MAGIC), length, manifest, ...files.map((f) => f.bytes)]);
  return concat([body, await sha256(body)]);
}

Deno.test("bundle pack and list: the demo's playbook and every file it names, with their digests", async () => {
  await withPackedDemo(async (_dir, bundle) => {
    const io = memoryIo();
    assertEquals(await runCli(["bundle", "list", bundle, "--json"], io), 0);
    const listed = JSON.parse(io.stdout[0]!);
    assertEquals(listed.playbook, "demo/demo.yaml");
    assertEquals(
      listed.files.map((f: { path: string }) => f.path),
      [
        "demo/demo.yaml",
        "demo/test-root-ca.pem",
        "mst/artifacts/app.tar",
        "mst/keys/ledger.contoso.example.jwks.json",
        "mst/keys/ledger.fabrikam.example.jwks.json",
        "mst/statements/app.tar.cose",
        "mst/statements/release-1.2.cose",
      ].sort(),
    );
    const tar = await Deno.readFile(`${ROOT}fixtures/mst/artifacts/app.tar`);
    assertEquals(
      listed.files.find((f: { path: string }) => f.path === "mst/artifacts/app.tar").sha256,
      toHex(await sha256(tar)),
    );
  });
});

Deno.test("bundle pack writes the same bytes every time", async () => {
  await withPackedDemo(async (dir, bundle) => {
    assertEquals(await runCli(["bundle", "pack", DEMO, "-o", `${dir}/again.bundle`], memoryIo()), 0);
    assertEquals(toHex(await Deno.readFile(`${dir}/again.bundle`)), toHex(await Deno.readFile(bundle)));
  });
});

Deno.test("run accepts a bundle and gives the report the playbook gives", async () => {
  await withPackedDemo(async (dir, bundle) => {
    const fromBundle = encodeReport(await runAudit(bundle, {}));
    const fromPlaybook = encodeReport(await runAudit(DEMO, {}));
    assertEquals(fromUtf8(fromBundle), fromUtf8(fromPlaybook));
    assertEquals(await runCli(["run", bundle, "-q"], memoryIo()), 0, "run exit status");
    // The signing key is never packed: it is read beside the bundle.
    const io = memoryIo();
    assertEquals(await runCli(["run", bundle, "-q", "--out", `${dir}/out`], io), 4, "missing signing key");
    assertEquals(io.stderr, [`scitt-audit: Cannot read ${dir}/auditor.test-key.pem: file not found`]);
    await Deno.copyFile(`${ROOT}fixtures/demo/auditor.test-key.pem`, `${dir}/auditor.test-key.pem`);
    assertEquals(await runCli(["run", bundle, "-q", "--out", `${dir}/out`], memoryIo()), 0, "with the key beside it");
  });
});

Deno.test("readBundle() refuses a bundle with any byte changed", async () => {
  await withPackedDemo(async (_dir, path) => {
    const bytes = await Deno.readFile(path);
    const bundle = await readBundle(bytes);
    const headerEnd = BUNDLE_MAGIC.length + 4 + new DataView(bytes.buffer, BUNDLE_MAGIC.length, 4).getUint32(0);
    const positions = Array.from({ length: headerEnd }, (_, i) => i);
    let offset = headerEnd;
    for (const entry of bundle.manifest) {
      positions.push(offset, offset + Math.floor(entry.size / 2), offset + entry.size - 1);
      offset += entry.size;
    }
    positions.push(offset, bytes.length - 1);
    const accepted: number[] = [];
    for (const position of positions) {
      const changed = bytes.slice();
      changed[position]! ^= 0x01;
      const code = await codeOf(readBundle(changed));
      if (!["BUNDLE_INVALID", "BUNDLE_TAMPERED", "BUNDLE_PATH_ESCAPE"].includes(code)) accepted.push(position);
    }
    assertEquals(accepted, [], "positions whose change was accepted");
  });
});

Deno.test("run refuses a bundle whose member was changed, naming the member (exit 3)", async () => {
  await withPackedDemo(async (_dir, path) => {
    const bytes = await Deno.readFile(path);
    const tar = await Deno.readFile(`${ROOT}fixtures/mst/artifacts/app.tar`);
    const at = bytes.findIndex((_, i) => tar.every((b, j) => bytes[i + j] === b));
    bytes[at + 100]! ^= 0xff;
    await Deno.writeFile(path, bytes);
    const io = memoryIo();
    assertEquals(await runCli(["run", path], io), 3, "exit status");
    assertEquals(
      io.stderr[0]?.startsWith(
        "scitt-audit: Bundle member 'mst/artifacts/app.tar' does not match the manifest: SHA-256 is ",
      ),
      true,
      io.stderr[0],
    );
  });
});

Deno.test("readBundle() refuses member paths that could leave the bundle", async () => {
  const member = { bytes: utf8("playbook: 1\n") };
  for (
    const path of ["../escape.yaml", "/etc/passwd", "a\\b.yaml", "C:/x.yaml", "a//b.yaml", "./a.yaml", "a/../../b"]
  ) {
    const bytes = await rawBundle(path, [{ path, ...member }]);
    const error = await readBundle(bytes).then(() => undefined, (e) => e as AuditError);
    assertEquals([path, error?.code], [path, "BUNDLE_PATH_ESCAPE"]);
  }
  const error = await readBundle(await rawBundle("../x", [{ path: "../x", ...member }])).catch((e) => e as AuditError);
  assertEquals((error as AuditError).message, "Cannot accept bundle member '../x': it has a '.' or '..' segment");
  assertEquals(await codeOf(encodeBundle("../x", [{ path: "../x", ...member }])), "BUNDLE_PATH_ESCAPE");
});

Deno.test("readBundle() refuses a manifest that is not canonical, out of order or with trailing bytes", async () => {
  const a = { path: "a.yaml", bytes: utf8("playbook: 1\n") };
  const b = { path: "b.bin", bytes: new Uint8Array([1]) };
  assertEquals(await codeOf(readBundle(await rawBundle("a.yaml", [b, a]))), "BUNDLE_INVALID");
  assertEquals(await codeOf(readBundle(await rawBundle("c.yaml", [a, b]))), "BUNDLE_INVALID");
  const good = await encodeBundle("a.yaml", [a, b]);
  assertEquals(await codeOf(readBundle(concat([good, new Uint8Array([0])]))), "BUNDLE_INVALID");
  assertEquals(await codeOf(readBundle(good.subarray(0, 30))), "BUNDLE_INVALID");
  assertEquals(await codeOf(readBundle(good)), "accepted");
});

Deno.test("a bundled playbook cannot read a file outside the bundle (exit 4)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const yaml = (await Deno.readTextFile(DEMO)).replace("../mst/statements/app.tar.cose", "../../outside.cose");
    const files = [{ path: "demo/demo.yaml", bytes: utf8(yaml) }];
    await Deno.writeFile(`${dir}/escape.bundle`, await rawBundle("demo/demo.yaml", files));
    const io = memoryIo();
    assertEquals(await runCli(["run", `${dir}/escape.bundle`], io), 4, "exit status");
    assertEquals(
      io.stderr[0]?.includes("file '../mst/keys/ledger.contoso.example.jwks.json' named by"),
      true,
      io.stderr[0],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
