/**
 * The evidence kinds, in evaluation order: a kind may reference the kinds before it.
 *
 * @module
 */

import { artifactsKind } from "./artifacts.ts";
import { attestationsKind } from "./attestations.ts";
import type { EvidenceKind } from "./kind.ts";
import { ledgerKind } from "./ledger.ts";
import { measurementsKind } from "./measurements.ts";
import { provenanceKind } from "./provenance.ts";
import { sigstoreKind } from "./sigstore.ts";
import { statementsKind } from "./statements.ts";

/** Every evidence kind the playbook knows, in evaluation order. */
export const KINDS: readonly EvidenceKind<unknown>[] = [
  statementsKind,
  artifactsKind,
  attestationsKind,
  ledgerKind,
  measurementsKind,
  sigstoreKind,
  provenanceKind,
];
