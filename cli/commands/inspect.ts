/**
 * `scitt-audit inspect`: shows any COSE_Sign1, receipt or transparent statement in readable form.
 *
 * @module
 */

import { AuditError } from "../../core/errors.ts";
import { type CoseDescription, describeCose, type Json } from "../../core/cose/describe.ts";
import { CliError, EXIT, exitFor, usage } from "../exit.ts";
import { type Io, paint, readInput } from "../io.ts";
import { type Command, parseCommandArgs } from "../options.ts";

const HELP = `Usage: scitt-audit inspect <file> [--json]

Shows a COSE_Sign1 — a signed statement, a transparent statement or a receipt — field by field: named
header labels, CWT claims with times in UTC, x5chain certificate subjects, embedded receipts with their
CCF inclusion proofs, the payload (as text when it is text), and the signature. Nothing is verified;
use 'scitt-audit verify' for that.

  --json        print the description as one JSON object (byte strings as hex)
  -h, --help    this help

Exit status: 0 shown; 2 usage error; 3 not a COSE_Sign1; 4 file missing.`;

const MAX_HEX = 64;

function render(io: Io, value: Json, indent: string): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item !== null && typeof item === "object") {
        io.out(`${indent}-`);
        render(io, item, indent + "  ");
      } else io.out(`${indent}- ${scalar(item)}`);
    }
    return;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (item !== null && typeof item === "object") {
        io.out(`${indent}${paint(io, "bold", key)}:`);
        render(io, item, indent + "  ");
      } else io.out(`${indent}${paint(io, "bold", key)}: ${scalar(item)}`);
    }
    return;
  }
  io.out(`${indent}${scalar(value)}`);
}

function scalar(value: Json): string {
  if (typeof value === "string" && /^[0-9a-f]+$/.test(value) && value.length > MAX_HEX) {
    return `${value.slice(0, MAX_HEX)}… (${value.length / 2} bytes)`;
  }
  return typeof value === "string" ? value : JSON.stringify(value);
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

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("inspect", args, {
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.out(HELP);
    return EXIT.OK;
  }
  if (positionals.length !== 1) throw usage("inspect: name exactly one file; see 'scitt-audit inspect --help'");
  const file = positionals[0]!;
  const bytes = await readInput(file);
  let description: CoseDescription;
  try {
    description = describeCose(bytes);
  } catch (error) {
    if (error instanceof AuditError) throw new CliError(exitFor(error), `${file}: ${error.message}`);
    throw error;
  }
  if (values.json) io.out(JSON.stringify({ file, ...description }));
  else renderDescription(io, description, "");
  return EXIT.OK;
}

/** The `inspect` command. */
export const inspectCommand: Command = {
  name: "inspect",
  summary: "show a COSE_Sign1, receipt or transparent statement field by field",
  help: HELP,
  run,
};
