/**
 * A synthetic MST-shaped ledger for the ledger benchmark: the genesis, then SCITT registrations (a statement with
 * a 3-certificate x5chain and a JSON payload) with a node- and service-signed root every `signatureEvery`
 * transactions, in committed chunks of about `chunkBytes`, written to a folder until it holds `totalBytes`.
 *
 * @module
 */

import { join } from "node:path";
import { SyntheticLedger } from "../fixtures/_gen/ccf_ledger_file.ts";
import { encodeCoseSign1 } from "../fixtures/_gen/cose_sign1.ts";
import { signStatement } from "../fixtures/_gen/statement.ts";
import { issueTestCa } from "../fixtures/_gen/test_ca.ts";

/** What the corpus holds. */
export interface LedgerCorpus {
  readonly dir: string;
  readonly bytes: number;
  readonly transactions: number;
  readonly signatures: number;
  readonly entries: number;
  readonly chunks: number;
}

/** Writes the corpus into `dir`. */
export async function writeLedgerCorpus(
  dir: string,
  options: { totalBytes: number; signatureEvery: number; chunkBytes: number; privateBytes: number },
): Promise<LedgerCorpus> {
  let bytes = 0;
  let chunks = 0;
  const ledger = await SyntheticLedger.create({
    seed: "bench/ledger",
    start: new Date("2026-03-02T09:00:00Z"),
    privateBytes: options.privateBytes,
    onChunk: (file) => {
      Deno.writeFileSync(join(dir, file.name), file.bytes);
      bytes += file.bytes.length;
      chunks++;
    },
  });
  await ledger.genesis();
  await ledger.endChunk();
  const ca = await issueTestCa();
  const payload = new TextEncoder().encode(JSON.stringify({
    name: "contoso-ledger",
    "image-digest": `sha256:${"ab".repeat(32)}`,
    sbom: Array.from({ length: 40 }, (_, i) => ({ package: `component-${i}`, version: `1.${i}.0`, license: "MIT" })),
  }));
  const statements = await Promise.all(
    [0, 1, 2, 3].map(async (i) =>
      encodeCoseSign1(
        await signStatement(ca, {
          subject: `contoso-ledger/component-${i}`,
          iat: 1772442000 + i,
          iatTagged: false,
          svn: 3,
          payload,
          contentType: "application/json",
        }),
      )
    ),
  );
  let entries = 0;
  let signatures = 2;
  while (bytes + ledger.chunkBytes < options.totalBytes) {
    for (let i = 1; i < options.signatureEvery; i++) {
      ledger.entry(statements[entries++ % statements.length]!);
    }
    await ledger.sign();
    signatures++;
    if (ledger.chunkBytes >= options.chunkBytes) await ledger.endChunk();
  }
  if (ledger.chunkBytes > 8) {
    if (!ledger.signed) {
      await ledger.sign();
      signatures++;
    }
    await ledger.endChunk();
  }
  return { dir, bytes, transactions: ledger.seqno, signatures, entries, chunks };
}
