/**
 * The whole-ledger audit on the real CCF ledger files in `../shared/vectors/ccf-ledger`: every run that CCF's own
 * reader made at the FULL or MERKLE level gives the same verdict, transaction and signature counts and last
 * signed root, and the two tamperings CCF's reader misses (shifted file names, a dropped final signature) fail
 * with their own findings. Runs at CCF's NONE level have no counterpart (our lowest level checks offsets).
 */

import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { cli } from "./_cli.ts";
import { vectorTest } from "./_vectors.ts";

interface Run {
  readonly invocation: { readonly paths: readonly string[]; readonly verification_level: string };
  readonly result: "pass" | "fail";
  readonly transactions?: number | null;
  readonly signature_transactions: number | null;
  readonly last_signed_root: string | null;
}

/** The cases CCF's reader passes although they are tampered, and the finding that must catch each. */
const MISSED_BY_REFERENCE: Readonly<Record<string, string>> = {
  name_range_shifted: "LEDGER_NAME_MISMATCH",
  unsigned_tail: "LEDGER_CHUNK_UNSIGNED_END",
};

const LEVELS: Readonly<Record<string, string>> = { FULL: "full", MERKLE: "merkle" };

vectorTest("ledger verify gives CCF's reader's verdict on every real ledger and negative case", async (dir, t) => {
  const base = `${dir}/ccf-ledger`;
  const expected = JSON.parse(Deno.readTextFileSync(`${base}/expected.json`));
  const counted = { compared: 0, caughtBeyondReference: 0, noCounterpart: 0 };
  for (const group of ["genuine", "negative"] as const) {
    for (const [name, entry] of Object.entries<{ runs: Run[] }>(expected[group])) {
      for (const run of entry.runs) {
        const level = LEVELS[run.invocation.verification_level];
        if (!level) {
          counted.noCounterpart++;
          continue;
        }
        const paths = run.invocation.paths.map((p) => `${base}/${p}`);
        await t.step(`${group}/${name} at ${level} (${run.invocation.paths.length} path(s))`, async () => {
          const { exit, stdout } = await cli("ledger", "verify", ...paths, "--level", level, "--json");
          const summary = JSON.parse(stdout[0]!);
          const missed = MISSED_BY_REFERENCE[name];
          if (missed) {
            strictEqual(run.result, "pass", "the reference passes this tampered ledger");
            strictEqual(summary.verified, false);
            strictEqual(exit, 1);
            strictEqual(summary.findings.some((f: { code: string }) => f.code === missed), true);
            counted.caughtBeyondReference++;
          } else {
            strictEqual(summary.verified, run.result === "pass");
            strictEqual(exit, run.result === "pass" ? 0 : 1);
          }
          if (run.transactions != null) {
            strictEqual(summary.transactions, run.transactions);
            strictEqual(summary.signatures, run.signature_transactions);
            strictEqual(summary.lastSignedRoot, run.last_signed_root);
          }
          counted.compared++;
        });
      }
    }
  }
  deepStrictEqual(counted, { compared: 21, caughtBeyondReference: 2, noCounterpart: 1 });
});

vectorTest("ledger verify reports the identity and the service status changes of the real sample", async (dir) => {
  const { exit, stdout } = await cli("ledger", "verify", `${dir}/ccf-ledger/genuine/expired_service`, "--json");
  strictEqual(exit, 0);
  const summary = JSON.parse(stdout[0]!);
  deepStrictEqual(summary.serviceIdentities, [{
    sha256: "0c728a183fa3a673e2e25cff4b7f7047035d00fbd21d72fd3008a620f7cd8075",
    subject: "CN=CCF Network",
    notBefore: "2022-03-04T00:00:11Z",
    notAfter: "2022-03-05T00:00:10Z",
    firstSeqno: 1,
  }]);
  strictEqual(summary.lastSignedTxid, "2.26");
  strictEqual(summary.lastVerifiedTxid, "2.26");
  strictEqual(summary.unsignedTail, 0);
  deepStrictEqual(summary.findings, []);
});

vectorTest("ledger verify records the disaster recovery of the double-sealed service", async (dir) => {
  const base = `${dir}/ccf-ledger/genuine/double_sealed_service`;
  const { stdout } = await cli(
    "ledger",
    "verify",
    `${base}/ledger_484-485.committed`,
    `${base}/ledger_486-491.committed`,
    "--level",
    "merkle",
    "--json",
  );
  const summary = JSON.parse(stdout[0]!);
  strictEqual(summary.verified, true);
  const recovery = summary.findings.find((f: { code: string }) => f.code === "LEDGER_RECOVERY");
  strictEqual(recovery.seqno, 484);
  strictEqual(summary.serviceIdentities[0].sha256, "fcc6f0015452dd5b56f12d934076944331ef8d2ed46b5fd3c51ee5ebafc64dbc");
  strictEqual(summary.serviceIdentities[0].endorsedByPrevious, null);
});

vectorTest("ledger compare finds the unsigned-tail copy a prefix and the flipped copy different", async (dir) => {
  const base = `${dir}/ccf-ledger`;
  const prefix = await cli("ledger", "compare", `${base}/genuine/expired_service`, `${base}/negative/unsigned_tail`);
  strictEqual(prefix.exit, 0);
  strictEqual(prefix.stdout[0], "CONSISTENT  B is a prefix of A (A 1–26, B 1–25)");
  const flipped = await cli(
    "ledger",
    "compare",
    `${base}/genuine/expired_service`,
    `${base}/negative/flip_public_domain_byte`,
    "--json",
  );
  strictEqual(flipped.exit, 1);
  const result = JSON.parse(flipped.stdout[0]!);
  strictEqual(result.divergesAt, 7);
  deepStrictEqual(result.findings.map((f: { code: string }) => f.code), [
    "LEDGER_COMPARE_DIFFERS",
    "LEDGER_COMPARE_DIFFERS",
  ]);
});
