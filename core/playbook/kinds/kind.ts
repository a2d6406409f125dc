/**
 * The contract of one evidence kind. Adding a kind (attestations, say) is writing one module that implements
 * {@linkcode EvidenceKind} and adding it to `KINDS` in `registry.ts`: its section appears in the loader and in the
 * JSON Schema, its fields become referenceable, and the engine evaluates it in list order.
 *
 * @module
 */

import type { Certificate } from "../../x509/certificate.ts";
import type { Finding } from "../../report/model.ts";
import type { ReceiptPolicy } from "../../receipts/policy.ts";
import type { TrustStore } from "../../receipts/trust_store.ts";
import type { ObjectShape } from "../_shape.ts";
import type { MapNode, ScalarNode } from "../_yaml.ts";
import type { AttestationTrust, FileRef } from "../model.ts";
import type { Resolution, ValueRef } from "../reference.ts";
import type { Value, ValueType } from "../value.ts";

/** What a kind's `build` may ask of the loader. */
export interface LoadContext {
  /** The playbook file name (for messages). */
  readonly file: string;
  /** Checks that a named file exists and records it; a missing file is `PLAYBOOK_FILE_MISSING` at its line. */
  evidenceFile(node: ScalarNode & { readonly value: string }, path: string, role: string): Promise<FileRef>;
  /** Parses and type-checks a value reference (`PLAYBOOK_REFERENCE` at its line). */
  reference(node: ScalarNode & { readonly value: string }, path: string): ValueRef;
  /** Parses an ISO-8601 UTC time (`PLAYBOOK_INVALID` at its line). */
  time(node: ScalarNode & { readonly value: string }, path: string): Date;
  /** Raises `PLAYBOOK_INVALID` or `PLAYBOOK_REFERENCE` at a node. */
  fail(code: "PLAYBOOK_INVALID" | "PLAYBOOK_REFERENCE", node: ScalarNode | MapNode, detail: string): never;
}

/** The trust the engine built from the `trust` section. */
export interface RunTrust {
  /** The receipt issuers' keys. */
  readonly store: TrustStore;
  /** The effective receipt policy. */
  readonly policy: ReceiptPolicy;
  /** Accepted statement issuers. */
  readonly signers: readonly string[];
  /** X.509 roots a statement chain must end in (empty: not checked). */
  readonly roots: readonly Certificate[];
  /** AMD products, named non-AMD roots and UVM roots for attestation evidence. */
  readonly attestation: AttestationTrust;
}

/** What a kind's `evaluate` may ask of the engine. */
export interface RunContext {
  /** The evaluation time. */
  readonly at: Date;
  /** The trust configuration. */
  readonly trust: RunTrust;
  /** Reads a named file and records it among the report's inputs. */
  read(file: FileRef): Promise<Uint8Array>;
  /** Appends a finding. */
  add(finding: Finding): void;
  /** Makes an item's fields referenceable; fields left out resolve to `missing` (why they are unavailable). */
  publish(prefix: string, id: string, values: Readonly<Record<string, Value | undefined>>, missing?: string): void;
  /** Resolves a reference against what has been published so far. */
  resolve(ref: ValueRef): Promise<Resolution>;
}

/** One evidence kind: a playbook section, its item shape, its referenceable fields and its evaluation. */
export interface EvidenceKind<Item> {
  /** The playbook section, e.g. `statements`. */
  readonly section: string;
  /** What the section holds, for the JSON Schema. */
  readonly description: string;
  /** The shape of one item. */
  readonly item: ObjectShape;
  /** References into this kind: `<prefix>.<id>.<field>`, and the fields' types. */
  readonly refs?: { readonly prefix: string; readonly fields: Readonly<Record<string, ValueType>> };
  /** The id of an item node, when it has one (read before any item is built, so references can be checked). */
  idOf?(node: MapNode): ScalarNode & { readonly value: string } | undefined;
  /** Builds a typed item from a shape-checked node. */
  build(node: MapNode, path: string, context: LoadContext): Promise<Item>;
  /** Evaluates the section's items in order. */
  evaluate(items: readonly Item[], context: RunContext): Promise<void>;
}
