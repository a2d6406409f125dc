/**
 * The whole-ledger audit on synthetic ledgers (`fixtures/_gen/ccf_ledger_file.ts`): every finding code, disaster
 * recovery, incremental runs from a saved state, split view, the watch list and working hours.
 */

import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { toHex } from "../core/bytes.ts";
import { IssuerPatterns, parseWorkingHours, type ReceiptClaim } from "../core/ledger/mod.ts";
import type { LedgerFile } from "../fixtures/_gen/ccf_ledger_file.ts";
import { addEntries, audit, codes, MONDAY_MORNING, newLedger, testStatement, txOffset } from "./_ledger.ts";

const SINGLETON = new Uint8Array(8);

Deno.test("a synthetic ledger with entries and a recovery verifies at every level with the same counts", async () => {
  const ledger = await newLedger("complete");
  await addEntries(ledger, 5);
  await ledger.recover({ endorsedByPrevious: true });
  await ledger.endChunk();
  await addEntries(ledger, 2);
  for (const level of ["offsets", "headers", "merkle", "full"] as const) {
    const { summary } = await audit(ledger.files, { level });
    strictEqual(summary.verified, true, level);
    strictEqual(summary.transactions, ledger.seqno);
    strictEqual(summary.signatures, 6);
    strictEqual(summary.unsignedTail, 0);
    strictEqual(summary.lastSignedTxid, `4.${ledger.seqno}`);
  }
  const { summary } = await audit(ledger.files);
  strictEqual(summary.entries.registered, 7);
  strictEqual(summary.serviceIdentities.length, 2);
  strictEqual(summary.serviceIdentities[1]!.endorsedByPrevious, true);
  strictEqual(summary.serviceIdentities[1]!.firstSeqno, 11);
  deepStrictEqual(codes(summary, "info"), ["LEDGER_RECOVERY"]);
  deepStrictEqual(codes(summary, "warning"), []);
});

Deno.test("the signed root of a synthetic ledger is the root the generator computed", async () => {
  const ledger = await newLedger("root");
  const root = toHex(ledger.root());
  await ledger.sign();
  await ledger.endChunk();
  const { summary } = await audit(ledger.files);
  strictEqual(summary.lastSignedRoot, root);
});

Deno.test("a recovered identity endorsed only by itself is flagged", async () => {
  const ledger = await newLedger("self-endorsed");
  await ledger.recover({ endorsedByPrevious: false });
  await ledger.endChunk();
  const { summary } = await audit(ledger.files);
  strictEqual(summary.verified, true);
  deepStrictEqual(codes(summary, "warning"), ["LEDGER_IDENTITY_NOT_ENDORSED"]);
  strictEqual(summary.serviceIdentities[1]!.endorsedByPrevious, false);
});

Deno.test("ledger audit of no chunk is LEDGER_EMPTY", async () => {
  const { summary } = await audit([]);
  deepStrictEqual(codes(summary), ["LEDGER_EMPTY"]);
});

Deno.test("gaps, overlaps and an open chunk before another are found from the names", async () => {
  const ledger = await newLedger("set");
  await addEntries(ledger, 2);
  await addEntries(ledger, 2);
  const [a, b, c] = ledger.files as [LedgerFile, LedgerFile, LedgerFile];
  deepStrictEqual(codes((await audit([a, c])).summary), ["LEDGER_GAP"]);
  const overlap = { name: "ledger_3-4.committed", bytes: a.bytes };
  deepStrictEqual(codes((await audit([a, overlap, b])).summary), ["LEDGER_OVERLAP"]);
  const open = { name: b.name.replace(/-\d+\.committed$/, ""), bytes: b.bytes };
  strictEqual(codes((await audit([a, open, c])).summary)[0], "LEDGER_OPEN_CHUNK_NOT_LAST");
});

Deno.test("broken chunk bytes give their own findings and stop the audit", async (t) => {
  const ledger = await newLedger("bytes");
  await addEntries(ledger, 3);
  const [a, b] = ledger.files as [LedgerFile, LedgerFile];
  const cases: [string, LedgerFile, string][] = [
    ["truncated", { name: b.name, bytes: b.bytes.subarray(0, 100) }, "LEDGER_CHUNK_TRUNCATED"],
    [
      "positions not uint32",
      { name: b.name, bytes: b.bytes.subarray(0, b.bytes.length - 1) },
      "LEDGER_POSITIONS_INVALID",
    ],
    ["flag bit 0x80", setByte(b, txOffset(b, 1) + 1, 0x80), "LEDGER_TX_HEADER_INVALID"],
    ["public domain longer than the transaction", setByte(b, txOffset(b, 0) + 36 + 3, 0x7f), "LEDGER_TX_MALFORMED"],
    ["seqno rewritten", setByte(b, txOffset(b, 1) + 24, 3), "LEDGER_SEQNO_MISMATCH"],
  ];
  for (const [name, broken, code] of cases) {
    await t.step(name, async () => {
      const { summary } = await audit([a, broken]);
      strictEqual(codes(summary)[0], code);
      strictEqual(summary.verified, false);
      strictEqual(summary.lastSeqno, name.startsWith("seqno") ? 5 : 4);
    });
  }
});

function setByte(file: LedgerFile, offset: number, value: number): LedgerFile {
  const bytes = file.bytes.slice();
  bytes[offset] = value;
  return { name: file.name, bytes };
}

Deno.test("a view that goes back is LEDGER_VIEW_DECREASED", async () => {
  const ledger = await newLedger("view");
  await addEntries(ledger, 2);
  const [a, b] = ledger.files as [LedgerFile, LedgerFile];
  const { summary } = await audit([a, setByte(b, txOffset(b, 1) + 32, 1)]);
  deepStrictEqual(codes(summary), ["LEDGER_VIEW_DECREASED", "LEDGER_ROOT_MISMATCH"]);
});

Deno.test("file names that disagree with the content are found", async () => {
  const ledger = await newLedger("names");
  await addEntries(ledger, 2);
  const [a, b] = ledger.files as [LedgerFile, LedgerFile];
  const shifted = await audit([{ name: "ledger_2-5.committed", bytes: a.bytes }, {
    name: "ledger_6-8.committed",
    bytes: b.bytes,
  }]);
  deepStrictEqual(codes(shifted.summary), ["LEDGER_NAME_MISMATCH", "LEDGER_NAME_MISMATCH"]);
  strictEqual(shifted.summary.transactions, 7);
  const counted = await audit([a, { name: "ledger_5-9.committed", bytes: b.bytes }]);
  deepStrictEqual(codes(counted.summary), ["LEDGER_NAME_COUNT_MISMATCH"]);
});

Deno.test("a committed chunk that does not end on a signature fails; an open one has an unsigned tail", async () => {
  const ledger = await newLedger("tail");
  const statement = await testStatement();
  ledger.entry(statement);
  ledger.entry(statement);
  await ledger.endChunk();
  const committed = await audit(ledger.files);
  deepStrictEqual(codes(committed.summary), ["LEDGER_CHUNK_UNSIGNED_END"]);
  strictEqual(committed.summary.unsignedTail, 2);
  const open = await audit([ledger.files[0]!, { name: "ledger_5", bytes: openChunk(ledger.files[1]!) }]);
  strictEqual(open.summary.verified, true);
  deepStrictEqual(codes(open.summary, "warning"), ["LEDGER_UNSIGNED_TAIL"]);
  strictEqual(open.summary.unsignedTail, 2);
});

/** The same transactions as an open chunk: header 0 and no positions table. */
function openChunk(file: LedgerFile): Uint8Array {
  const view = new DataView(file.bytes.buffer, file.bytes.byteOffset);
  const table = Number(view.getBigUint64(0, true));
  const bytes = file.bytes.slice(0, table);
  bytes.fill(0, 0, 8);
  return bytes;
}

Deno.test("a ledger that starts mid-way cannot be verified at full but is at merkle", async () => {
  const ledger = await newLedger("midway");
  await addEntries(ledger, 2);
  await addEntries(ledger, 2);
  const later = ledger.files.slice(1);
  deepStrictEqual(codes((await audit(later)).summary), ["LEDGER_START_UNVERIFIABLE"]);
  const merkle = await audit(later, { level: "merkle" });
  strictEqual(merkle.summary.verified, true);
  strictEqual(merkle.summary.lastVerifiedTxid, `2.${ledger.seqno}`);
});

Deno.test("tampered signatures give their findings", async (t) => {
  const cases = [
    ["root", "LEDGER_ROOT_MISMATCH"],
    ["node-signature", "LEDGER_NODE_SIGNATURE_INVALID"],
    ["cose-signature", "LEDGER_COSE_SIGNATURE_INVALID"],
    ["position", "LEDGER_SIGNATURE_POSITION_MISMATCH"],
    ["embedded-cert", "LEDGER_NODE_KEY_MISMATCH"],
  ] as const;
  for (const [tamper, code] of cases) {
    await t.step(tamper, async () => {
      const ledger = await newLedger(`tamper-${tamper}`);
      ledger.entry(await testStatement());
      await ledger.sign({ tamper });
      await ledger.endChunk();
      const { summary } = await audit(ledger.files);
      strictEqual(codes(summary)[0], code);
      strictEqual(summary.lastVerifiedTxid, "2.4");
      if (tamper === "cose-signature" || tamper === "node-signature") {
        strictEqual((await audit(ledger.files, { level: "merkle" })).summary.verified, true);
      }
    });
  }
});

Deno.test("a signature by an unknown or pending node, or before any service identity, fails", async () => {
  const unknown = await newLedger("unknown-node");
  await unknown.sign({ node: await unknown.node("stranger", unknown.service) });
  await unknown.endChunk();
  deepStrictEqual(codes((await audit(unknown.files)).summary), ["LEDGER_NODE_UNKNOWN"]);

  const pending = await newLedger("pending-node");
  const node = await pending.node("joiner", pending.service);
  pending.tx(
    new Map([
      ["public:ccf.gov.nodes.endorsed_certificates", [[node.id, node.pem]]],
      ["public:ccf.gov.nodes.info", [[node.id, { json: { status: "Pending" } }]]],
    ]),
  );
  await pending.sign({ node });
  await pending.endChunk();
  deepStrictEqual(codes((await audit(pending.files)).summary), ["LEDGER_NODE_PENDING"]);

  const bare = await (await import("../fixtures/_gen/ccf_ledger_file.ts")).SyntheticLedger.create({
    seed: "ledger/bare",
    start: MONDAY_MORNING,
  });
  bare.tx(new Map([["public:app.data", [["k", "v"]]]]));
  await bare.sign({ raw: false });
  await bare.endChunk();
  deepStrictEqual(codes((await audit(bare.files)).summary), ["LEDGER_SERVICE_UNKNOWN"]);
});

Deno.test("an unreadable signature is LEDGER_SIGNATURE_MALFORMED", async () => {
  const ledger = await newLedger("malformed-signature");
  ledger.tx(new Map([["public:ccf.internal.signatures", [[SINGLETON, "not json"]]]]));
  await ledger.endChunk();
  deepStrictEqual(codes((await audit(ledger.files)).summary), ["LEDGER_SIGNATURE_MALFORMED"]);
});

Deno.test("a service status change CCF does not allow is LEDGER_SERVICE_TRANSITION_INVALID", async () => {
  const ledger = await newLedger("transition");
  ledger.tx(
    new Map([["public:ccf.gov.service.info", [[SINGLETON, {
      json: { cert: ledger.service.pem, status: "WaitingForRecoveryShares" },
    }]]]]),
  );
  await ledger.sign();
  await ledger.endChunk();
  deepStrictEqual(codes((await audit(ledger.files)).summary), ["LEDGER_SERVICE_TRANSITION_INVALID"]);
});

Deno.test("governance rollbacks and additions after opening are flagged, with who proposed them", async () => {
  const ledger = await newLedger("governance");
  ledger.governance(
    new Map([
      ["public:ccf.gov.nodes.snp.uvm_endorsements", [[
        "did:x509:0:sha256:synthetic-uvm-root::eku:1.3.6.1.4.1.311.76.59.1.2",
        { json: { "ContainerPlat-AMD-UVM": { svn: "100" } } },
      ]]],
      ["public:ccf.gov.nodes.snp.tcb_versions", [["00a00f11", {
        json: { boot_loader: 3, tee: 0, snp: 8, microcode: 100 },
      }]]],
      ["public:ccf.gov.nodes.snp.measurements", [["ef".repeat(48), { json: "AllowedToJoin" }]]],
      ["public:ccf.gov.nodes.snp.host_data", [["01".repeat(32), "package other"]]],
    ]),
    "set_join_policy",
  );
  const rogue = await ledger.node("rogue", ledger.service);
  ledger.tx(
    new Map([
      ["public:ccf.gov.nodes.endorsed_certificates", [[rogue.id, rogue.pem]]],
      ["public:ccf.gov.nodes.info", [[rogue.id, {
        json: { code_digest: "99".repeat(48), quote_info: { format: "AMD_SEV_SNP_v1" }, status: "Trusted" },
      }]]],
    ]),
  );
  await ledger.sign();
  await ledger.endChunk();
  const { summary } = await audit(ledger.files);
  deepStrictEqual(codes(summary), [
    "LEDGER_UVM_SVN_ROLLBACK",
    "LEDGER_TCB_ROLLBACK",
    "LEDGER_NODE_MEASUREMENT_NOT_ALLOWED",
  ]);
  deepStrictEqual(codes(summary, "warning"), ["LEDGER_MEASUREMENT_ADDED", "LEDGER_HOST_DATA_ADDED"]);
  const change = summary.governance.find((g) => g.kind === "uvm-endorsement" && g.seqno === 5)!;
  strictEqual(change.summary, "UVM feed ContainerPlat-AMD-UVM minimum SVN 100");
  strictEqual(change.proposer, "a1".repeat(32));
  deepStrictEqual(change.voters, ["a1".repeat(32)]);
});

Deno.test("entries: a wrong claims digest, a broken statement and a bad signature are findings", async () => {
  const ledger = await newLedger("entries");
  const statement = await testStatement();
  ledger.tx(new Map([["public:scitt.entry", [["2.5", statement]]]]), { claims: new Uint8Array(32) });
  ledger.entry(new Uint8Array([1, 2, 3]));
  const bad = statement.slice();
  bad[bad.length - 5]! ^= 1;
  ledger.entry(bad);
  await ledger.sign();
  await ledger.endChunk();
  const { summary } = await audit(ledger.files);
  deepStrictEqual(codes(summary), [
    "LEDGER_ENTRY_DIGEST_MISMATCH",
    "LEDGER_ENTRY_MALFORMED",
    "LEDGER_ENTRY_SIGNATURE_INVALID",
  ]);
  strictEqual((await audit(ledger.files, { level: "merkle" })).summary.findings.length, 2);
});

Deno.test("the watch list and working hours flag unknown issuers and off-hours registrations", async () => {
  const ledger = await newLedger("watch", { start: new Date("2026-03-07T23:00:00Z") });
  await addEntries(ledger, 2);
  const issuer = (await audit(ledger.files)).summary.entries.byIssuer;
  const did = Object.keys(issuer)[0]!;
  const known = await audit(ledger.files, {
    watch: new IssuerPatterns(["did:x509:0:sha256:*::eku:1.3.6.1.5.5.7.3.36"]),
  });
  deepStrictEqual(codes(known.summary), []);
  const unknown = await audit(ledger.files, { watch: new IssuerPatterns(["did:x509:0:sha256:other*"]) });
  deepStrictEqual(codes(unknown.summary), ["LEDGER_ENTRY_UNKNOWN_ISSUER", "LEDGER_ENTRY_UNKNOWN_ISSUER"]);
  strictEqual(unknown.summary.findings[0]!.message, `Entry 2.5: issuer ${did} matches no expected issuer`);
  const hours = parseWorkingHours("Mon-Fri 08:00-18:00 UTC");
  deepStrictEqual(codes((await audit(ledger.files, { workingHours: hours })).summary, "warning"), [
    "LEDGER_ENTRY_OFF_HOURS",
    "LEDGER_ENTRY_OFF_HOURS",
  ]);
});

Deno.test("entries are listed with their proof and filtered by period", async () => {
  const ledger = await newLedger("period", { secondsPerTransaction: 3600 });
  await addEntries(ledger, 2);
  await addEntries(ledger, 1);
  const listed: import("../core/ledger/mod.ts").LedgerEntry[] = [];
  await audit(ledger.files, { onEntry: (e) => listed.push(e) });
  deepStrictEqual(listed.map((e) => [e.txid, e.registeredAt, e.proof?.signatureTxid]), [
    ["2.5", "2026-03-02T15:00:00Z", "2.7"],
    ["2.6", "2026-03-02T15:00:00Z", "2.7"],
    ["2.8", "2026-03-02T17:00:00Z", "2.9"],
  ]);
  strictEqual(listed[0]!.signatureValid, true);
  const late: string[] = [];
  const { summary } = await audit(ledger.files, {
    from: new Date("2026-03-02T16:00:00Z"),
    onEntry: (e) => late.push(e.txid),
  });
  deepStrictEqual(late, ["2.8"]);
  strictEqual(summary.entries.registered, 1);
});

Deno.test("receipts: a root the ledger signed matches; another root for the same seqno is split view", async () => {
  const ledger = await newLedger("receipts");
  ledger.entry(await testStatement());
  const root = toHex(ledger.root());
  await ledger.sign();
  await ledger.endChunk();
  const claim = (r: string, seqno = 5): ReceiptClaim => ({
    source: "s.cose receipt 0",
    txid: `2.${seqno}`,
    seqno,
    root: r,
  });
  const matched = await audit(ledger.files, { receipts: [claim(root)] });
  deepStrictEqual(codes(matched.summary, "info"), ["LEDGER_RECEIPT_MATCHES"]);
  strictEqual(matched.summary.verified, true);
  const split = await audit(ledger.files, { receipts: [claim("00".repeat(32))] });
  deepStrictEqual(codes(split.summary), ["LEDGER_SPLIT_VIEW"]);
  const beyond = await audit(ledger.files, { receipts: [claim(root, 99)] });
  deepStrictEqual(codes(beyond.summary, "warning"), ["LEDGER_RECEIPT_NOT_COVERED"]);
});

Deno.test("an incremental audit reads only new chunks and proves they extend the saved state", async () => {
  const ledger = await newLedger("incremental");
  await addEntries(ledger, 3);
  const first = await audit(ledger.files);
  strictEqual(first.state?.lastSeqno, 8);
  await addEntries(ledger, 2);
  await ledger.recover({ endorsedByPrevious: true });
  await ledger.endChunk();
  const next = await audit(ledger.files, { state: first.state! });
  strictEqual(next.summary.verified, true);
  deepStrictEqual(next.summary.chunks, ["ledger_9-11.committed", "ledger_12-16.committed"]);
  strictEqual(next.summary.firstSeqno, 9);
  const whole = await audit(ledger.files);
  strictEqual(next.summary.lastSignedRoot, whole.summary.lastSignedRoot);
  strictEqual(next.state?.counts.transactions, 16);

  const forked = await newLedger("incremental-fork");
  await addEntries(forked, 3);
  await addEntries(forked, 2);
  const onFork = [...ledger.files.slice(0, 2), forked.files[2]!];
  deepStrictEqual(codes((await audit(onFork, { state: first.state! })).summary), ["LEDGER_NODE_UNKNOWN"]);
  deepStrictEqual(codes((await audit(onFork, { state: first.state!, level: "merkle" })).summary), [
    "LEDGER_ROOT_MISMATCH",
  ]);
  const behind = await audit(ledger.files.slice(0, 1), { state: first.state! });
  strictEqual(behind.summary.transactions, 0);
});

Deno.test("compareLedgers() finds a prefix consistent and a fork at its first different seqno", async () => {
  const { compareLedgers, parseChunkName } = await import("../core/ledger/mod.ts");
  const ledger = await newLedger("compare");
  await addEntries(ledger, 2);
  await addEntries(ledger, 2);
  const fork = await newLedger("compare");
  await addEntries(fork, 2);
  fork.entry(new Uint8Array([0x84, 0x40, 0xa0, 0x40, 0x40]));
  await fork.sign();
  await fork.endChunk();
  const chunks = (files: readonly LedgerFile[]) =>
    files.map((f) => ({ name: parseChunkName(f.name)!, read: () => f.bytes }));
  const prefix = compareLedgers(chunks(ledger.files.slice(0, 2)), chunks(ledger.files));
  deepStrictEqual([prefix.consistent, prefix.message], [true, "A is a prefix of B (A 1–7, B 1–10)"]);
  const forked = compareLedgers(chunks(ledger.files), chunks(fork.files));
  deepStrictEqual([forked.consistent, forked.divergesAt], [false, 8]);
  deepStrictEqual(forked.findings.map((f) => f.code), ["LEDGER_COMPARE_DIFFERS"]);
});
