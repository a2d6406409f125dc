/**
 * Bulk verification: directories, order, workers, the shared verification cache, streamed JSON and the
 * progress bar, on the generated fixtures.
 */
import assert from "node:assert/strict";
import { runCli } from "../cli/main.ts";
import { type Io, memoryIo } from "../cli/io.ts";
import { listStatementFiles } from "../cli/statement_files.ts";
import { loadTrustStore } from "../cli/trust.ts";
import { ProgressBar } from "../cli/progress.ts";
import { DEFAULT_RECEIPT_POLICY, type ReceiptPolicy } from "../core/receipts/policy.ts";
import type { TrustStore } from "../core/receipts/trust_store.ts";
import { verifyTransparentStatement } from "../core/statement/mod.ts";
import { VerificationCache } from "../core/verification_cache.ts";

const path = (relative: string) => decodeURIComponent(new URL(relative, import.meta.url).pathname);
const REPO = path("../");
const MST = path("../fixtures/mst/");
const KEYS = [
  "--keys",
  `ledger.contoso.example=${MST}keys/ledger.contoso.example.jwks.json`,
  "--keys",
  `ledger.fabrikam.example=${MST}keys/ledger.fabrikam.example.jwks.json`,
];
const DIRS = [`${MST}statements`, `${MST}negative`];

interface StatementJson {
  file: string;
  valid: boolean;
  error?: { code: string };
}

interface Summary {
  summary: { statements: number; valid: number; invalid: number; exit: number };
  policy: unknown;
  keys: unknown[];
}

/** `verify --json` over many statements: JSON Lines, one statement a line, then the summary line. */
async function verifyJson(
  args: string[],
): Promise<{ exit: number; statements: StatementJson[]; summary: Summary; stdout: string[]; stderr: string[] }> {
  const io = memoryIo();
  const exit = await runCli(["verify", ...args, ...KEYS, "--json"], io);
  const parsed = io.stdout.map((line) => JSON.parse(line));
  return { exit, statements: parsed.slice(0, -1), summary: parsed.at(-1), stdout: io.stdout, stderr: io.stderr };
}

function sortedCose(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".cose")).sort().map((n) =>
    `${dir}/${n}`
  );
}

Deno.test("verify reports the same results in the same order with --workers 1 and --workers 2", async () => {
  const one = await verifyJson([...DIRS, "--workers", "1"]);
  const two = await verifyJson([...DIRS, "--workers", "2"]);
  assert.equal(one.exit, 1);
  assert.equal(two.exit, 1);
  assert.deepEqual(one.stderr, []);
  assert.deepEqual(two.stderr, []);
  assert.deepEqual(two.stdout, one.stdout);
  assert.deepEqual(one.statements.map((s) => s.file), DIRS.flatMap(sortedCose));
  assert.deepEqual(
    one.statements.filter((s) => s.file.includes("/negative/")).map((s) => [s.valid, s.error?.code]),
    [
      [false, "RECEIPT_POLICY_FAILED"],
      [false, "COSE_SIGNATURE_INVALID"],
      [false, "RECEIPT_POLICY_FAILED"],
      [false, "RECEIPT_POLICY_FAILED"],
    ],
  );
});

Deno.test("verify --json prints JSON Lines for many statements: one per statement, then the summary", async () => {
  const { exit, statements, summary, stderr } = await verifyJson([...DIRS, `${MST}statements/release-1.0.cose`]);
  assert.equal(exit, 1);
  assert.deepEqual(stderr, []);
  assert.deepEqual(Object.keys(summary), ["summary", "policy", "keys"]);
  assert.equal(summary.keys.length, 2);
  const total = DIRS.flatMap(sortedCose).length + 1;
  assert.equal(statements.length, total);
  assert.deepEqual(summary.summary, { statements: total, valid: total - 5, invalid: 5, exit: 1 });
  assert.equal(statements.at(-1)!.file, `${MST}statements/release-1.0.cose`);
  assert.equal(statements.at(-1)!.valid, true);
});

Deno.test("verify keeps a named file in place and reports a missing one with exit 4", async () => {
  const { exit, statements } = await verifyJson([`${MST}negative`, `${MST}statements/no-such.cose`]);
  assert.equal(exit, 4);
  assert.deepEqual(statements.at(-1), {
    file: `${MST}statements/no-such.cose`,
    valid: false,
    error: { code: "FILE_NOT_FOUND", message: `Cannot read ${MST}statements/no-such.cose: file not found` },
  });
});

Deno.test("listStatementFiles() walks directories depth first in code-point order, keeping *.cose and *.scitt", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/b/inner`, { recursive: true });
    for (const name of ["b/inner/z.cose", "b/a.SCITT", "a.cose", "B.cose", "notes.txt", "b/c.json"]) {
      await Deno.writeFile(`${dir}/${name}`, new Uint8Array());
    }
    assert.deepEqual(await listStatementFiles([dir, "named.bin"]), [
      `${dir}/B.cose`,
      `${dir}/a.cose`,
      `${dir}/b/a.SCITT`,
      `${dir}/b/inner/z.cose`,
      "named.bin",
    ]);
    await Deno.mkdir(`${dir}/empty`);
    await assert.rejects(listStatementFiles([`${dir}/empty`]), {
      message: `verify: ${dir}/empty holds no .cose or .scitt files`,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function trust(): Promise<{ trustStore: TrustStore; policy: ReceiptPolicy }> {
  const { store } = await loadTrustStore(KEYS.filter((_, i) => i % 2 === 1), []);
  return { trustStore: store, policy: { ...DEFAULT_RECEIPT_POLICY, authorizedDomains: store.issuers() } };
}

Deno.test("VerificationCache verifies a receipt signature once for the statements under one root", async () => {
  const { trustStore, policy } = await trust();
  const cache = new VerificationCache();
  // app.tar and release 1.2 were registered under the same ledger.contoso.example root (signed at 2.49).
  const app = await verifyTransparentStatement(Deno.readFileSync(`${MST}statements/app.tar.cose`), {
    trustStore,
    policy,
    cache,
  });
  const release = await verifyTransparentStatement(Deno.readFileSync(`${MST}statements/release-1.2.cose`), {
    trustStore,
    policy,
    cache,
  });
  assert.equal(app.valid, true);
  assert.equal(release.valid, true);
  assert.equal(app.receipts[0]!.root, release.receipts[0]!.root);
  // Misses: the contoso root and release 1.2's fabrikam receipt; the hit: release 1.2's contoso receipt.
  // One issuer and chain for both statements: checked once.
  assert.deepEqual(cache.stats(), { signatureHits: 1, signatureMisses: 2, identityHits: 1, identityMisses: 1 });
});

Deno.test("verifyTransparentStatement() reports the same with and without a shared cache", async () => {
  const { trustStore, policy } = await trust();
  const cache = new VerificationCache();
  const files = DIRS.flatMap(sortedCose);
  for (const round of [1, 2]) {
    for (const file of files) {
      const bytes = Deno.readFileSync(file);
      const cached = await verifyTransparentStatement(bytes, { trustStore, policy, cache });
      const fresh = await verifyTransparentStatement(bytes, { trustStore, policy });
      assert.deepEqual(cached, fresh, `${file}, round ${round}`);
    }
  }
  assert.ok(cache.stats().signatureHits > cache.stats().signatureMisses);
});

Deno.test("verify draws no progress bar when standard error is not a terminal", async () => {
  const io = memoryIo();
  assert.equal(io.status, undefined);
  assert.equal(await runCli(["verify", ...DIRS, ...KEYS], io), 1);
  assert.deepEqual(io.stderr, []);
  assert.ok(io.stdout.every((line) => !line.includes("[#")));
});

function terminalIo(): Io & { statusLines: string[]; stdout: string[] } {
  const base = memoryIo();
  const statusLines: string[] = [];
  return { ...base, stdout: base.stdout, statusLines, status: (text) => statusLines.push(text) };
}

Deno.test("verify draws a progress bar on a terminal, clears it at the end, and never with --json or -q", async () => {
  const human = terminalIo();
  await runCli(["verify", ...DIRS, ...KEYS], human);
  const total = DIRS.flatMap(sortedCose).length;
  assert.ok(human.statusLines.some((line) => line.includes(`${total}/${total} statements  100%`)));
  assert.equal(human.statusLines.at(-1), "");
  for (const flag of ["--json", "-q"]) {
    const io = terminalIo();
    await runCli(["verify", ...DIRS, ...KEYS, flag], io);
    assert.deepEqual(io.statusLines, [], flag);
  }
});

Deno.test("ProgressBar redraws at most every 100 ms, and always at the end", () => {
  let now = 0;
  const lines: string[] = [];
  const bar = new ProgressBar((text) => lines.push(text), 10, { width: 10, now: () => now });
  bar.update(1);
  now = 50;
  bar.update(2);
  now = 150;
  bar.update(3);
  bar.update(10);
  assert.deepEqual(lines, [
    "[#.........]  1/10 statements  10%",
    "[###.......]  3/10 statements  30%  20/s",
    "[##########]  10/10 statements  100%  67/s",
  ]);
});

Deno.test("verify rejects --workers outside 1 to 64 with exit 2", async () => {
  const io = memoryIo();
  assert.equal(await runCli(["verify", ...DIRS, ...KEYS, "--workers", "0"], io), 2);
  assert.deepEqual(io.stderr, ["scitt-audit: --workers must be auto or a number from 1 to 64; found '0'"]);
});

Deno.test("verify --workers 2 runs under deno run with --allow-read only", async () => {
  const command = new Deno.Command("deno", {
    args: ["run", "--allow-read", "--no-prompt", "cli/main.ts", "verify", ...DIRS, ...KEYS, "--json", "--workers", "2"],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stdout, stderr } = await command.output();
  assert.equal(new TextDecoder().decode(stderr), "");
  assert.equal(code, 1);
  const inProcess = await verifyJson([...DIRS, "--workers", "1"]);
  assert.deepEqual(new TextDecoder().decode(stdout).trimEnd().split("\n"), inProcess.stdout);
});
