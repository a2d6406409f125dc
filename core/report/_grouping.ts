/**
 * Ordering shared by the renderers: statuses most severe first, evidence kinds in a fixed order, subjects as
 * they first appear.
 *
 * @module
 */

import type { Finding, FindingKind, FindingStatus } from "./model.ts";

/** Evidence kinds in display order. */
export const KIND_ORDER: readonly FindingKind[] = [
  "playbook",
  "trust",
  "statement",
  "receipt",
  "measurement",
  "artifact",
  "attestation",
  "ledger",
  "sigstore",
  "provenance",
];

/** Statuses from most to least severe. */
export const STATUS_ORDER: readonly FindingStatus[] = ["fail", "warn", "skip", "pass"];

/** Findings sharing a key, in evaluation order. */
export interface FindingGroup<K extends string> {
  readonly key: K;
  readonly findings: readonly Finding[];
}

function groupBy<K extends string>(findings: readonly Finding[], keyOf: (f: Finding) => K): FindingGroup<K>[] {
  const groups = new Map<K, Finding[]>();
  for (const f of findings) {
    const list = groups.get(keyOf(f));
    if (list) list.push(f);
    else groups.set(keyOf(f), [f]);
  }
  return [...groups].map(([key, list]) => ({ key, findings: list }));
}

/** Findings grouped by evidence kind, in {@linkcode KIND_ORDER}. */
export function groupByKind(findings: readonly Finding[]): FindingGroup<FindingKind>[] {
  // A kind not in KIND_ORDER (added by a new evidence kind) goes after the known ones, in order of appearance.
  const rank = (kind: FindingKind) => {
    const i = KIND_ORDER.indexOf(kind);
    return i < 0 ? KIND_ORDER.length : i;
  };
  return groupBy(findings, (f) => f.kind).sort((a, b) => rank(a.key) - rank(b.key));
}

/** Findings grouped by subject, in order of first appearance. */
export function groupBySubject(findings: readonly Finding[]): FindingGroup<string>[] {
  return groupBy(findings, (f) => f.subject);
}
