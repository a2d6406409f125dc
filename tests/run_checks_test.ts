/**
 * `run` checks before it works and loses nothing (issue 13): --out must be creatable and writable and the signing
 * key a usable private key before the audit starts; existing reports are kept unless --force; the signing key is
 * the auditor's (--signing-key, --no-sign), and a bundle cannot name a key anywhere on disk.
 */

import * as assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { cli } from "./_cli.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const DEMO_DIR = `${REPO}fixtures/demo`;
const MST = `${REPO}fixtures/mst`;
const KEY = `${DEMO_DIR}/auditor.test-key.pem`;
const PUBLIC_KEY = `${DEMO_DIR}/auditor.test-key.pub.pem`;
const WRITTEN = "report.json, report.cose, report.html, junit.xml";

async function withDemo(
  fn: (dir: string, playbook: string) => Promise<void>,
  edit: (yaml: string) => string = (y) => y,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "scitt-audit-run-" });
  try {
    await Deno.mkdir(`${dir}/demo`);
    for (const name of ["demo.yaml", "test-root-ca.pem"]) {
      await Deno.copyFile(`${DEMO_DIR}/${name}`, `${dir}/demo/${name}`);
    }
    for (const sub of ["keys", "statements", "artifacts"]) {
      await Deno.mkdir(`${dir}/mst/${sub}`, { recursive: true });
      for await (const e of Deno.readDir(`${MST}/${sub}`)) {
        if (e.isFile) await Deno.copyFile(`${MST}/${sub}/${e.name}`, `${dir}/mst/${sub}/${e.name}`);
      }
    }
    const playbook = `${dir}/demo/demo.yaml`;
    await Deno.writeTextFile(playbook, edit(await Deno.readTextFile(playbook)));
    await fn(dir, playbook);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out.sort();
}

Deno.test("run --signing-key FILE signs the reports with the auditor's key, from any playbook", async () => {
  await withDemo(async (dir, playbook) => {
    const run = await cli("run", playbook, "-q", "--out", `${dir}/out`, "--signing-key", KEY);
    assert.equal(run.exit, 0, run.stderr.join("\n"));
    assert.equal(run.stdout.at(-1), `Reports written to ${dir}/out: ${WRITTEN}`);
    const check = await cli("report", "verify", `${dir}/out/report.cose`, "--key", PUBLIC_KEY);
    assert.equal(check.exit, 0, check.stderr.join("\n"));
  });
});

Deno.test("run --no-sign writes the reports without report.cose; it cannot be combined with --signing-key", async () => {
  await withDemo(async (dir, playbook) => {
    const run = await cli("run", playbook, "-q", "--out", `${dir}/out`, "--no-sign");
    assert.equal(run.exit, 0);
    assert.equal(run.stdout.at(-1), `Reports written to ${dir}/out: report.json, report.html, junit.xml (not signed)`);
    assert.deepEqual(await names(`${dir}/out`), ["junit.xml", "report.html", "report.json"]);
    const both = await cli("run", playbook, "--out", `${dir}/o2`, "--no-sign", "--signing-key", KEY);
    assert.deepEqual([both.exit, both.stderr], [2, [
      "scitt-audit: run: --signing-key and --no-sign cannot be combined",
    ]]);
  });
});

Deno.test("run checks the signing key before the audit: a missing key is exit 4, a public key exit 3, nothing written", async () => {
  await withDemo(async (dir, playbook) => {
    // The copied playbook names auditor.test-key.pem beside it, which is not there.
    const missing = await cli("run", playbook, "--out", `${dir}/out`);
    assert.deepEqual([missing.exit, missing.stdout, missing.stderr], [4, [], [
      `scitt-audit: Cannot read ${dir}/demo/auditor.test-key.pem: file not found`,
    ]]);
    const wrong = await cli("run", playbook, "--out", `${dir}/out`, "--signing-key", PUBLIC_KEY);
    assert.equal(wrong.exit, 3);
    assert.deepEqual(wrong.stdout, [], "the audit did not start");
    assert.equal(wrong.stderr.length, 1);
    assert.match(wrong.stderr[0]!, new RegExp(`^scitt-audit: .*auditor key ${PUBLIC_KEY.replace(/[.]/g, "\\.")}`));
    await assert.rejects(Deno.stat(`${dir}/out/report.json`), Deno.errors.NotFound);
  });
});

Deno.test("run checks --out before the audit: a file in its place is exit 4 naming it", async () => {
  await withDemo(async (dir, playbook) => {
    await Deno.writeTextFile(`${dir}/taken`, "a file");
    const run = await cli("run", playbook, "--out", `${dir}/taken`, "--no-sign");
    assert.deepEqual([run.exit, run.stdout, run.stderr], [4, [], [
      `scitt-audit: Cannot write reports into ${dir}/taken: it is a file, not a folder`,
    ]]);
  });
});

Deno.test("run refuses to overwrite existing reports unless --force", async () => {
  await withDemo(async (dir, playbook) => {
    assert.equal((await cli("run", playbook, "-q", "--out", `${dir}/out`, "--no-sign")).exit, 0);
    const before = await Deno.readTextFile(`${dir}/out/report.json`);
    await Deno.writeTextFile(`${dir}/out/report.json`, "kept");
    const again = await cli("run", playbook, "-q", "--out", `${dir}/out`, "--no-sign");
    assert.deepEqual([again.exit, again.stdout, again.stderr], [2, [], [
      `scitt-audit: ${dir}/out already holds report.json, report.html, junit.xml; give --force to replace them, or choose another --out`,
    ]]);
    assert.equal(await Deno.readTextFile(`${dir}/out/report.json`), "kept");
    const forced = await cli("run", playbook, "-q", "--out", `${dir}/out`, "--no-sign", "--force");
    assert.equal(forced.exit, 0);
    assert.equal(await Deno.readTextFile(`${dir}/out/report.json`), before);
    const noOut = await cli("run", playbook, "--force");
    assert.deepEqual([noOut.exit, noOut.stderr], [2, ["scitt-audit: run: --force needs --out DIR"]]);
  });
});

for (const [label, keyPath] of [["../ path", "../../outside.pem"], ["absolute path", "/etc/ssl/private/key.pem"]]) {
  Deno.test(`a bundle's report.signing-key may not name a ${label} on disk`, async () => {
    await withDemo(async (dir, playbook) => {
      const bundle = `${dir}/audit.bundle`;
      assert.equal((await cli("bundle", "pack", playbook, "-o", bundle)).exit, 0);
      const run = await cli("run", bundle, "--out", `${dir}/out`);
      assert.equal(run.exit, 3);
      assert.equal(run.stderr.length, 1);
      assert.match(
        run.stderr[0]!,
        new RegExp(
          `: a bundle's report\\.signing-key may only name a file beside the bundle, not '${
            keyPath!.replace(/[.]/g, "\\.")
          }'; give your own key with --signing-key FILE$`,
        ),
      );
      // The auditor's own key is used instead.
      const own = await cli("run", bundle, "-q", "--out", `${dir}/out`, "--signing-key", KEY);
      assert.equal(own.exit, 3, "the bundle still names the key; --signing-key does not make it acceptable");
    }, (y) => y.replace("signing-key: auditor.test-key.pem", `signing-key: ${keyPath}`));
  });
}

Deno.test("a bundle run takes the auditor's --signing-key and writes signed reports", async () => {
  await withDemo(async (dir, playbook) => {
    const bundle = `${dir}/audit.bundle`;
    assert.equal((await cli("bundle", "pack", playbook, "-o", bundle)).exit, 0);
    const run = await cli("run", bundle, "-q", "--out", `${dir}/out`, "--signing-key", KEY);
    assert.equal(run.exit, 0, run.stderr.join("\n"));
    assert.equal(run.stdout.at(-1), `Reports written to ${dir}/out: ${WRITTEN}`);
  });
});

Deno.test("run --help lists the new options", async () => {
  const help = (await cli("run", "--help")).stdout.join("\n");
  for (const option of ["--signing-key FILE", "--no-sign", "--force", "--out DIR"]) {
    assert.ok(help.includes(option), option);
  }
  assert.deepEqual((await cli("help", "run")).stdout, (await cli("run", "--help")).stdout);
});

Deno.test("run --expect-sha256 runs a bundle only when it is the one its packer published", async () => {
  await withDemo(async (dir, playbook) => {
    const bundle = `${dir}/audit.bundle`;
    const packed = await cli("bundle", "pack", playbook, "-o", bundle);
    const digest = /^SHA-256 of the bundle: ([0-9a-f]{64})$/.exec(packed.stdout.at(-1)!)![1]!;
    const good = await cli("run", bundle, "-q", "--expect-sha256", digest.toUpperCase());
    assert.equal(good.exit, 0, good.stderr.join("\n"));
    const other = "00".repeat(32);
    const bad = await cli("run", bundle, "-q", "--expect-sha256", other);
    assert.deepEqual([bad.exit, bad.stdout, bad.stderr], [1, [], [
      `scitt-audit: ${bundle}: SHA-256 is ${digest}, not the ${other} given with --expect-sha256; nothing was run`,
    ]]);
    const malformed = await cli("run", bundle, "--expect-sha256", "abc");
    assert.deepEqual([malformed.exit, malformed.stderr], [2, [
      "scitt-audit: run: --expect-sha256 needs 64 hex digits; found 'abc'",
    ]]);
  });
});

Deno.test("bundle pack --sign and run --bundle-key: a bundle signed by its packer is checked before it is run", async () => {
  await withDemo(async (dir, playbook) => {
    const bundle = `${dir}/audit.bundle`;
    const packed = await cli("bundle", "pack", playbook, "-o", bundle, "--sign", KEY, "--issuer", "packer.example");
    assert.equal(packed.exit, 0, packed.stderr.join("\n"));
    assert.match(
      packed.stdout[1]!,
      new RegExp(`^Signed with key [0-9a-f]{64}: ${bundle.replace(/[.]/g, "\\.")}\\.cose$`),
    );
    const run = await cli("run", bundle, "-q", "--bundle-key", PUBLIC_KEY);
    assert.equal(run.exit, 0, run.stderr.join("\n"));
    assert.match(
      run.stdout[0]!,
      /^Bundle .*audit\.bundle signed by packer\.example \(key [0-9a-f]{64}\) at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
    // Another bundle under the same signature is refused before it is opened.
    const bytes = await Deno.readFile(bundle);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
    await Deno.writeFile(bundle, bytes);
    const tampered = await cli("run", bundle, "-q", "--bundle-key", PUBLIC_KEY);
    assert.equal(tampered.exit, 1);
    assert.deepEqual(tampered.stdout, []);
    assert.match(
      tampered.stderr[0]!,
      /^scitt-audit: Bundle signature is for SHA-256 [0-9a-f]{64}, not for this bundle/,
    );
    // Without a signature beside it: exit 4.
    await Deno.remove(`${bundle}.cose`);
    const unsigned = await cli("run", bundle, "-q", "--bundle-key", PUBLIC_KEY);
    assert.deepEqual([unsigned.exit, unsigned.stderr], [4, [
      `scitt-audit: Cannot read ${bundle}.cose: file not found`,
    ]]);
    // A packer key that is not a private key stops pack before anything is written.
    const badKey = await cli("bundle", "pack", playbook, "-o", `${dir}/b.bundle`, "--sign", PUBLIC_KEY);
    assert.equal(badKey.exit, 3);
    await assert.rejects(Deno.stat(`${dir}/b.bundle`), Deno.errors.NotFound);
  });
});
