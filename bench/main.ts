/**
 * `deno task bench`: runs every benchmark section in turn and prints its figures and ratios; with `--json`,
 * prints one JSON object keyed by section instead. A new benchmark is one more entry in {@linkcode SECTIONS}.
 *
 * @module
 */

import { bulkBench, type BulkFigures, formatBulk } from "./bulk_bench.ts";
import { formatLedger, ledgerBench, type LedgerFigures } from "./ledger_bench.ts";
import { formatMerkle, merkleBench, type MerkleFigures } from "./merkle_bench.ts";
import { formatSignatures, signatureBench, type SignatureFigures } from "./signature_bench.ts";
import { formatSigstore, sigstoreBench, type SigstoreFigures } from "./sigstore_bench.ts";

/** One benchmark: a name (the key in the JSON output), how to run it and how to print its figures. */
interface Section<Figures> {
  readonly name: string;
  readonly run: () => Promise<Figures>;
  readonly format: (figures: Figures) => string[];
}

function section<Figures>(entry: Section<Figures>): Section<unknown> {
  return entry as Section<unknown>;
}

const SECTIONS: readonly Section<unknown>[] = [
  section<MerkleFigures>({ name: "merkle", run: merkleBench, format: formatMerkle }),
  section<BulkFigures>({ name: "bulk", run: bulkBench, format: formatBulk }),
  section<SignatureFigures>({ name: "signatures", run: signatureBench, format: formatSignatures }),
  section<LedgerFigures>({ name: "ledger", run: ledgerBench, format: formatLedger }),
  section<SigstoreFigures>({ name: "sigstore", run: sigstoreBench, format: formatSigstore }),
];

const json = Deno.args.includes("--json");
// `deno task bench ledger merkle` runs only the named sections; no name runs them all.
const names = Deno.args.filter((a) => !a.startsWith("-"));
const unknown = names.filter((n) => !SECTIONS.some((s) => s.name === n));
if (unknown.length > 0) {
  console.error(`bench: unknown section ${unknown.join(", ")}; sections: ${SECTIONS.map((s) => s.name).join(", ")}`);
  Deno.exit(2);
}
const results: Record<string, unknown> = {};
for (const { name, run, format } of SECTIONS.filter((s) => names.length === 0 || names.includes(s.name))) {
  const figures = await run();
  results[name] = figures;
  if (!json) console.log(format(figures).join("\n"));
}
if (json) console.log(JSON.stringify(results));
