/**
 * `scitt-audit inspect`: shows any COSE_Sign1, receipt or transparent statement in readable form, and the
 * attestation evidence a service API returns: an SEV-SNP report, a CCF node-quotes response, an MAA token.
 *
 * @module
 */

import { type AttestationDescription, describeAttestation } from "../../core/attestation/describe.ts";
import { AuditError } from "../../core/errors.ts";
import { lookOfNonCbor } from "../../core/input_kind.ts";
import { type CoseDescription, describeCose, type Json } from "../../core/cose/describe.ts";
import { type Command, defineCommand, fileError, type Parsed, withFile } from "../command.ts";
import { CliError, EXIT } from "../exit.ts";
import { type Io, paint, readInput } from "../io.ts";

const HELP = `Usage: scitt-audit inspect <file | -> [--json]

Shows, field by field and without verifying anything (use 'scitt-audit verify' or a playbook for that):

  a COSE_Sign1      a signed statement, a transparent statement or a receipt: named header labels, CWT
                    claims with times in UTC, x5chain certificate subjects, embedded receipts with their
                    CCF inclusion proofs, the payload (as text when it is text), and the signature
  an SEV-SNP report the raw 1184 bytes, or their base64 or hex text: version, guest policy bits, VMPL,
                    TCB values, report_data, measurement, host_data, chip_id, signature, ...
  CCF node quotes   a captured /node/quotes/self, /node/quotes or /node/attestations JSON body: per quote
                    its node_id, the report, the VCEK / ASK / ARK certificates and the UVM endorsement
  an MAA token      a JWT as text: its header, its claims (times also in UTC) and its signature size

The form is recognised from the file's bytes; '-' reads standard input (with the same size limit).

  --json        print the description as one JSON object (byte strings as hex)
  -h, --help    this help

Exit status: 0 shown; 2 usage error; 3 neither a COSE_Sign1 nor attestation evidence, or unreadable;
4 file missing.`;

/** Hex longer than this is shortened in COSE output; attestation fields (at most 64 bytes) are shown whole. */
const MAX_HEX = 64;
const MAX_ATTESTATION_HEX = 128;

function render(io: Io, value: Json, indent: string, maxHex = MAX_HEX): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item !== null && typeof item === "object") {
        io.out(`${indent}-`);
        render(io, item, indent + "  ", maxHex);
      } else io.out(`${indent}- ${scalar(item, maxHex)}`);
    }
    return;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (item !== null && typeof item === "object" && Object.keys(item).length > 0) {
        io.out(`${indent}${paint(io, "bold", key)}:`);
        render(io, item, indent + "  ", maxHex);
      } else io.out(`${indent}${paint(io, "bold", key)}: ${scalar(item, maxHex)}`);
    }
    return;
  }
  io.out(`${indent}${scalar(value, maxHex)}`);
}

function scalar(value: Json, maxHex = MAX_HEX): string {
  if (typeof value === "string" && /^[0-9a-f]+$/.test(value) && value.length > maxHex) {
    return `${value.slice(0, maxHex)}… (${value.length / 2} bytes)`;
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

function renderAttestation(io: Io, d: AttestationDescription): void {
  const { kind, ...fields } = d;
  io.out(paint(io, "bold", kind));
  render(io, fields, "  ", MAX_ATTESTATION_HEX);
}

function renderDescription(io: Io, d: CoseDescription, indent: string): void {
  io.out(`${indent}${paint(io, "bold", d.kind)}${d.tagged ? " (tag 18)" : " (untagged)"}`);
  io.out(`${indent}protected:`);
  render(io, d.protected, indent + "  ");
  io.out(`${indent}unprotected:${Object.keys(d.unprotected).length === 0 ? " {}" : ""}`);
  render(io, d.unprotected, indent + "  ");
  const p = d.payload;
  io.out(`${indent}payload: ${p.detached ? "detached" : `${p.length} bytes`}`);
  if (p.text !== undefined) { for (const line of p.text.split("\n").slice(0, 40)) io.out(`${indent}  | ${line}`); }
  if (p.hex !== undefined) io.out(`${indent}  ${scalar(p.hex)}`);
  io.out(`${indent}signature: ${scalar(d.signature)}`);
  d.receipts?.forEach((r, i) => {
    io.out(`${indent}receipt ${i}:`);
    if ("error" in r) io.out(`${indent}  cannot decode: ${r.error}`);
    else renderDescription(io, r, indent + "  ");
  });
}

const OPTIONS = { json: { type: "boolean" } } as const;

async function run({ values, positionals }: Parsed<typeof OPTIONS>, io: Io): Promise<number> {
  const file = positionals[0]!;
  const bytes = await readInput(file, { stdin: true });
  const attestation = await withFile(file, () => describeAttestation(bytes));
  let cose: CoseDescription | undefined;
  if (!attestation) {
    try {
      cose = describeCose(bytes);
    } catch (error) {
      if (!(error instanceof AuditError)) throw error;
      const look = lookOfNonCbor(bytes);
      if (look !== undefined) {
        throw new CliError(
          EXIT.MALFORMED,
          `${file}: this is ${look}, not a COSE_Sign1 (CBOR) or attestation evidence 'inspect' knows`,
        );
      }
      throw fileError(file, error);
    }
  }
  if (values.json) io.out(JSON.stringify({ file, ...(attestation ?? cose) }));
  else if (attestation) renderAttestation(io, attestation);
  else renderDescription(io, cose!, "");
  return EXIT.OK;
}

/** The `inspect` command. */
export const inspectCommand: Command = defineCommand({
  name: "inspect",
  summary: "show a COSE_Sign1, receipt, transparent statement, SEV-SNP report, node quotes or MAA token field by field",
  help: HELP,
  options: OPTIONS,
  positionals: { min: 1, max: 1, usage: "name exactly one file" },
  run,
});
