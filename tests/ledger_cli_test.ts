/**
 * `scitt-audit ledger` on the command line: folders and files, duplicates, the state file of incremental runs,
 * `entries`, receipts of statements against the ledger, and every usage and input error with its exit status.
 */

import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { join } from "node:path";
import { cli } from "./_cli.ts";
import { addEntries, newLedger, writeLedger } from "./_ledger.ts";

async function sampleLedger(seed: string) {
  const ledger = await newLedger(seed);
  await addEntries(ledger, 3);
  return ledger;
}

Deno.test("ledger verify prints a verdict block first and exits 0 on a good ledger", async () => {
  const dir = await writeLedger((await sampleLedger("cli-human")).files);
  const { exit, stdout } = await cli("ledger", "verify", dir);
  strictEqual(exit, 0);
  strictEqual(stdout[0], "ledger VERIFIED  (level full)");
  strictEqual(stdout[1], "  range       seqnos 1–8: 8 transactions in 2 chunk(s)");
  match(stdout.join("\n"), /entries {5}3 registered statement\(s\) from 1 issuer\(s\)/);
  strictEqual(stdout.at(-1), "  findings    0 error(s), 0 warning(s)");
});

Deno.test("ledger verify --state saves, resumes, and catches a changed history and a shorter ledger", async () => {
  const ledger = await sampleLedger("cli-state");
  const dir = await writeLedger(ledger.files);
  const state = join(dir, "..", `${dir.split("/").pop()}.state.json`);
  const first = await cli("ledger", "verify", dir, "--state", state, "--json");
  strictEqual(exit(first), 0);
  strictEqual(JSON.parse(Deno.readTextFileSync(state)).lastSeqno, 8);
  await addEntries(ledger, 2);
  await writeLedger(ledger.files.slice(2), dir);
  const second = JSON.parse((await cli("ledger", "verify", dir, "--state", state, "--json")).stdout[0]!);
  deepStrictEqual([second.verified, second.chunks, second.transactions], [true, ["ledger_9-11.committed"], 3]);
  strictEqual(JSON.parse(Deno.readTextFileSync(state)).lastSeqno, 11);

  const tampered = Deno.readFileSync(join(dir, "ledger_9-11.committed"));
  tampered[40]! ^= 1;
  Deno.writeFileSync(join(dir, "ledger_9-11.committed"), tampered);
  const changed = await cli("ledger", "verify", dir, "--state", state, "--json");
  strictEqual(changed.exit, 1);
  strictEqual(JSON.parse(changed.stdout[0]!).findings[0].code, "LEDGER_STATE_MISMATCH");

  const short = await writeLedger(ledger.files.slice(0, 1));
  const ahead = await cli("ledger", "verify", short, "--state", state, "--json");
  strictEqual(ahead.exit, 1);
  strictEqual(JSON.parse(ahead.stdout[0]!).findings[0].code, "LEDGER_STATE_AHEAD");
});

function exit(run: { exit: number }): number {
  return run.exit;
}

Deno.test("chunks of the same name in two folders must be identical", async () => {
  const ledger = await sampleLedger("cli-duplicates");
  const a = await writeLedger(ledger.files);
  const b = await writeLedger(ledger.files);
  strictEqual((await cli("ledger", "verify", a, b)).exit, 0);
  const changed = ledger.files[1]!.bytes.slice();
  changed[60]! ^= 1;
  Deno.writeFileSync(join(b, ledger.files[1]!.name), changed);
  const run = await cli("ledger", "verify", a, b, "--json");
  strictEqual(run.exit, 1);
  strictEqual(JSON.parse(run.stdout[0]!).findings[0].code, "LEDGER_DUPLICATE_DIFFERS");
});

Deno.test("a folder file named like a chunk but not one is a warning; open chunks need --include-open", async () => {
  const ledger = await sampleLedger("cli-names");
  await ledger.sign();
  await ledger.endChunk({ open: true });
  const dir = await writeLedger(ledger.files);
  Deno.writeTextFileSync(join(dir, "ledger_x.committed"), "not a chunk");
  Deno.writeTextFileSync(join(dir, "notes.txt"), "ignored");
  const without = JSON.parse((await cli("ledger", "verify", dir, "--json")).stdout[0]!);
  deepStrictEqual(without.findings.map((f: { code: string }) => f.code), ["LEDGER_FILE_NAME_INVALID"]);
  strictEqual(without.transactions, 8);
  const open = JSON.parse((await cli("ledger", "verify", dir, "--include-open", "--json")).stdout[0]!);
  strictEqual(open.transactions, 9);
  strictEqual(open.chunks.at(-1), "ledger_9");
});

Deno.test("ledger entries lists each signing event with its proof, as JSON Lines with --json", async () => {
  const dir = await writeLedger((await sampleLedger("cli-entries")).files);
  const { exit, stdout } = await cli("ledger", "entries", dir, "--json", "--issuer", "did:x509:*");
  strictEqual(exit, 0);
  strictEqual(stdout.length, 4);
  const first = JSON.parse(stdout[0]!);
  deepStrictEqual([first.txid, first.proof.signatureTxid, first.signatureValid], ["2.5", "2.8", true]);
  deepStrictEqual(JSON.parse(stdout[3]!).summary.listed, 3);
  const none = await cli("ledger", "entries", dir, "--issuer", "did:web:*");
  strictEqual(none.stdout[0], "0 entries listed; ledger verified at level full");
});

Deno.test("ledger verify --statements: a receipt from another ledger is split-view evidence", async () => {
  const ledger = await newLedger("cli-receipts");
  await addEntries(ledger, 40);
  const dir = await writeLedger(ledger.files);
  const statement = "fixtures/mst/statements/release-1.0.cose";
  const run = await cli("ledger", "verify", dir, "--statements", statement, "--json");
  strictEqual(run.exit, 1);
  const [finding] = JSON.parse(run.stdout[0]!).findings;
  strictEqual(finding.code, "LEDGER_SPLIT_VIEW");
  match(
    finding.message,
    /^fixtures\/mst\/statements\/release-1\.0\.cose receipt 0: the receipt for 2\.37 signs root [0-9a-f]{64}, which no signature of this ledger after seqno 37 signed: split-view evidence$/,
  );
  const short = await writeLedger((await sampleLedger("cli-receipts-short")).files);
  const outside = JSON.parse((await cli("ledger", "verify", short, "--statements", statement, "--json")).stdout[0]!);
  deepStrictEqual([outside.verified, outside.findings[0].code], [true, "LEDGER_RECEIPT_NOT_COVERED"]);
});

Deno.test("ledger: usage errors exit 2, a missing path 4, a broken state file 3", async () => {
  const dir = await writeLedger((await sampleLedger("cli-errors")).files);
  const cases: [string[], number, RegExp][] = [
    [["ledger"], 2, /expected verify, entries or compare/],
    [["ledger", "check", dir], 2, /unknown subcommand 'check'/],
    [["ledger", "verify"], 2, /expected a ledger folder or chunk file/],
    [["ledger", "verify", dir, "--level", "deep"], 2, /--level 'deep' is not one of offsets, headers, merkle, full/],
    [["ledger", "verify", dir, "--from", "yesterday"], 2, /--from 'yesterday' is not an ISO-8601 UTC time/],
    [["ledger", "verify", dir, "--working-hours", "always"], 2, /Cannot parse working hours 'always'/],
    [["ledger", "entries", dir, "--state", "x"], 2, /--state is an option of 'ledger verify'/],
    [["ledger", "compare", dir], 2, /expected two ledgers/],
    [["ledger", "verify", join(dir, "missing")], 4, /no such file or folder/],
    [["ledger", "verify", join(dir, "nothing.bin")], 4, /no such file or folder/],
  ];
  for (const [args, status, message] of cases) {
    const run = await cli(...args);
    strictEqual(run.exit, status, args.join(" "));
    match(run.stderr.join("\n"), message);
  }
  const state = join(dir, "state.json");
  Deno.writeTextFileSync(state, "{}");
  const broken = await cli("ledger", "verify", dir, "--state", state);
  strictEqual(broken.exit, 3);
  match(broken.stderr[0]!, /not a ledger state file/);
  Deno.writeTextFileSync(join(dir, "readme.txt"), "x");
  const notChunk = await cli("ledger", "verify", join(dir, "readme.txt"));
  strictEqual(notChunk.exit, 3);
  match(notChunk.stderr[0]!, /not a ledger chunk name/);
  const help = await cli("ledger", "--help");
  strictEqual(help.exit, 0);
  match(help.stdout[0]!, /^Usage: scitt-audit ledger verify/);
});

Deno.test("ledger verify --state refuses a state file that is not one, naming the field, exit 3", async () => {
  const dir = await writeLedger((await sampleLedger("cli-bad-state")).files);
  const state = join(dir, "..", `${dir.split("/").pop()}.good.json`);
  strictEqual((await cli("ledger", "verify", dir, "--state", state)).exit, 0);
  const saved = JSON.parse(Deno.readTextFileSync(state));
  const cases: [unknown, RegExp][] = [
    [{ format: "scitt-audit-ledger-state/1", lastSeqno: 8 }, /Invalid ledger state: lastView is not a count$/],
    [
      { ...saved, tree: { ...saved.tree, size: 7 } },
      /The saved ledger state cannot be used: Cannot restore a tree of 7 leaves/,
    ],
    [
      { ...saved, service: { ...saved.service, cert: "garbage" } },
      /cannot be used: the saved service certificate is not a PEM certificate$/,
    ],
  ];
  for (const [content, message] of cases) {
    const file = join(dir, "..", `${dir.split("/").pop()}.bad.json`);
    Deno.writeTextFileSync(file, JSON.stringify(content));
    const run = await cli("ledger", "verify", dir, "--state", file);
    strictEqual(run.exit, 3);
    match(run.stderr[0]!, message);
  }
  const fifo = await cli("ledger", "verify", dir, "--state", "/dev/null");
  strictEqual(fifo.exit, 3);
  match(fifo.stderr[0]!, /Cannot read \/dev\/null: not a regular file/);
});
