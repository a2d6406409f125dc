/**
 * `report.html`: one self-contained page, readable offline. Inline CSS only, no script, no external reference
 * (a Content-Security-Policy of `default-src 'none'` makes sure nothing is fetched); every value is escaped.
 *
 * @module
 */

import { groupByKind, groupBySubject, STATUS_ORDER } from "./_grouping.ts";
import type { AuditReport, Finding, FindingKind, FindingStatus, Json } from "./model.ts";

/** Section titles of the evidence kinds; a kind added later without a title here is shown by its name. */
export const KIND_TITLES: Readonly<Partial<Record<FindingKind, string>>> = {
  playbook: "Playbook",
  trust: "Trust",
  statement: "Statements",
  receipt: "Receipts",
  measurement: "Measurements",
  artifact: "Artifacts",
  attestation: "Attestations",
  ledger: "Ledgers",
  sigstore: "Sigstore bundles",
  provenance: "Provenance",
};

/** Nested details deeper than this are summarised ("3 more levels"), never dumped as JSON. */
const MAX_DETAIL_DEPTH = 6;

/** The title of an evidence kind's section, for any kind. */
export function kindTitle(kind: string): string {
  return KIND_TITLES[kind as FindingKind] ?? readableName(kind).replace(/^./, (c) => c.toUpperCase());
}

const WORDS: Readonly<Record<string, string>> = {
  id: "ID",
  ids: "IDs",
  url: "URL",
  kid: "key ID",
  svn: "SVN",
  txid: "txid",
  sha256: "SHA-256",
  sha384: "SHA-384",
  sha512: "SHA-512",
  json: "JSON",
  cose: "COSE",
  uvm: "UVM",
  snp: "SNP",
  tcb: "TCB",
  vcek: "VCEK",
  did: "DID",
  iat: "issued at",
};

/**
 * A field name as words: `expectedFrom` → `expected from`, `payload-hash-alg` → `payload hash alg`,
 * `entryUrl` → `entry URL`; a plain lowercase word stays as it is.
 *
 * @param key The field name.
 * @returns The name as words.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { readableName } from "./html.ts";
 * equal(readableName("expectedFrom"), "expected from");
 * equal(readableName("svn"), "svn");
 * ```
 */
export function readableName(key: string): string {
  if (/^[a-z0-9]+$/.test(key)) return key;
  const words = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2").split(/[\s_-]+/);
  return words.filter(Boolean).map((w) => WORDS[w.toLowerCase()] ?? (/^[A-Z0-9]+$/.test(w) ? w : w.toLowerCase()))
    .join(" ");
}

const STYLE = `
:root{--fail:#b42318;--warn:#b54708;--pass:#067647;--skip:#475467;--line:#d0d5dd;--soft:#f2f4f7}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:70rem;padding:1.5rem;color:#101828}
h1{margin:0 0 .25rem;font-size:1.6rem}h2{margin:2rem 0 .5rem;border-bottom:2px solid var(--line)}
h3{margin:1.5rem 0 .25rem}h4{margin:1rem 0 .25rem;font-family:ui-monospace,monospace;font-size:.95rem}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85rem;word-break:break-all}
.verdict{display:inline-block;padding:.2rem .8rem;border-radius:.3rem;color:#fff;font-weight:700;letter-spacing:.05em}
.verdict.pass{background:var(--pass)}.verdict.fail{background:var(--fail)}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:1rem 0}
dl.meta dt{color:#475467}dl.meta dd{margin:0}
.counts span{margin-right:1rem}
.badge{display:inline-block;min-width:3.2rem;text-align:center;border-radius:.25rem;padding:0 .4rem;color:#fff;
font-size:.75rem;font-weight:700;text-transform:uppercase}
.badge.fail{background:var(--fail)}.badge.warn{background:var(--warn)}.badge.pass{background:var(--pass)}
.badge.skip{background:var(--skip)}
.finding{border:1px solid var(--line);border-left:4px solid var(--skip);border-radius:.3rem;padding:.5rem .75rem;
margin:.4rem 0}
.finding.fail{border-left-color:var(--fail);background:#fef3f2}.finding.warn{border-left-color:var(--warn)}
.finding.pass{border-left-color:var(--pass)}
.finding .id{font-family:ui-monospace,monospace;font-size:.85rem;color:#344054;margin-left:.5rem}
.finding p{margin:.25rem 0}
dl.details{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .75rem;margin:.4rem 0 0;font-size:.9rem}
dl.details dt{color:#475467}dl.details dd{margin:0}
table{border-collapse:collapse;font-size:.85rem;margin:.2rem 0}
th,td{border:1px solid var(--line);padding:.15rem .4rem;text-align:left;vertical-align:top}th{background:var(--soft)}
footer{margin-top:2rem;color:#475467;font-size:.85rem}
.summary{border:1px solid var(--line);border-radius:.4rem;padding:.75rem 1rem;margin:1rem 0;background:var(--soft)}
.summary h2{margin:0 0 .5rem;border:0;font-size:1.1rem}
details.folded{margin:1.5rem 0}details.folded>summary{cursor:pointer}
details.folded>summary h2{display:inline;border:0;font-size:1.25rem}
details.folded .finding{padding:.2rem .6rem;margin:.2rem 0}
.more{color:#475467;font-style:italic}
@page{size:A4;margin:14mm 12mm}
@media print{
body{font-size:10.5pt;max-width:none;padding:0}
h2{margin:1rem 0 .3rem}h3{margin:.6rem 0 .2rem}
.finding{break-inside:avoid;padding:.3rem .5rem}
.summary{break-inside:avoid;background:none}
.verdict,.badge,.finding.fail{-webkit-print-color-adjust:exact;print-color-adjust:exact}
details.folded:not([open])>summary::after{content:" (listed in report.json)";font-weight:400;font-size:.85rem}
}
`;

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @param text The text.
 * @returns The text with `&`, `<`, `>`, `"` and `'` escaped.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { escapeHtml } from "./html.ts";
 * equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function badge(status: FindingStatus): string {
  return `<span class="badge ${status}">${status}</span>`;
}

function isScalar(value: Json): value is string | number | boolean | null {
  return value === null || typeof value !== "object";
}

function scalar(value: string | number | boolean | null): string {
  if (value === null) return `<span class="more">none</span>`;
  return typeof value === "string" ? escapeHtml(value) : `<code>${escapeHtml(String(value))}</code>`;
}

function levels(value: Json): number {
  if (isScalar(value)) return 0;
  const items = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...items.map(levels));
}

/** An array of flat objects (receipts, inputs) reads best as a table with one column per member. */
function table(rows: readonly { [key: string]: Json }[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: Json | undefined) => (v === undefined ? "" : isScalar(v) ? scalar(v) : renderJson(v, 1));
  return `<table><thead><tr>${
    columns.map((c) => `<th>${escapeHtml(readableName(c))}</th>`).join("")
  }</tr></thead><tbody>${
    rows.map((r) => `<tr>${columns.map((c) => `<td>${cell(r[c])}</td>`).join("")}</tr>`).join("")
  }</tbody></table>`;
}

function renderJson(value: Json, depth: number): string {
  if (isScalar(value)) return scalar(value);
  if (depth > MAX_DETAIL_DEPTH) {
    return `<span class="more">${levels(value)} more nested levels (see report.json)</span>`;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return "<code>[]</code>";
    if (value.every(isScalar)) return value.map((v) => scalar(v)).join(", ");
    const objects = value.filter((v): v is { [key: string]: Json } => !isScalar(v) && !Array.isArray(v));
    if (objects.length === value.length && objects.every((o) => Object.values(o).every(isScalar))) {
      return table(objects);
    }
    return `<ol>${value.map((v) => `<li>${renderJson(v, depth + 1)}</li>`).join("")}</ol>`;
  }
  return details(value, depth);
}

function details(record: { readonly [key: string]: Json }, depth: number): string {
  const entries = Object.entries(record);
  if (entries.length === 0) return "<code>{}</code>";
  return `<dl class="details">${
    entries.map(([k, v]) => `<dt>${escapeHtml(readableName(k))}</dt><dd>${renderJson(v, depth + 1)}</dd>`).join("")
  }</dl>`;
}

function findingHtml(finding: Finding): string {
  const code = finding.code ? ` <code>${escapeHtml(finding.code)}</code>` : "";
  const more = finding.details && Object.keys(finding.details).length > 0 ? details(finding.details, 0) : "";
  return `<article class="finding ${finding.status}">${badge(finding.status)}<span class="id">${
    escapeHtml(finding.id)
  }</span><p>${escapeHtml(finding.message)}${code}</p>${more}</article>`;
}

const STATUS_TITLES: Readonly<Record<FindingStatus, string>> = {
  fail: "Failed checks",
  warn: "Warnings",
  skip: "Skipped checks",
  pass: "Passed checks",
};

/** Statuses shown open; the others are folded in a `<details>` element. */
const OPEN_STATUSES: readonly FindingStatus[] = ["fail", "warn"];

/**
 * One section per status, most severe first, each grouped by evidence kind and then by subject: failures and
 * warnings open, skipped and passed checks folded.
 */
function statusSection(status: FindingStatus, findings: readonly Finding[]): string {
  const matching = findings.filter((f) => f.status === status);
  if (matching.length === 0) return "";
  const heading = `<h2>${STATUS_TITLES[status]} (${matching.length})</h2>`;
  const body = groupByKind(matching).map((kind) =>
    `<section><h3>${escapeHtml(kindTitle(kind.key))}</h3>${
      groupBySubject(kind.findings).map((subject) =>
        `<h4>${escapeHtml(subject.key)}</h4>${subject.findings.map(findingHtml).join("")}`
      ).join("")
    }</section>`
  ).join("");
  if (OPEN_STATUSES.includes(status)) return `<section class="status-${status}">${heading}${body}</section>`;
  return `<details class="folded status-${status}"><summary>${heading}</summary>${body}</details>`;
}

function inputsHtml(report: AuditReport): string {
  if (report.inputs.length === 0) return "";
  return `<details class="folded inputs"><summary><h2>Inputs (${report.inputs.length} files)</h2></summary>` +
    `<table><thead><tr><th>path</th><th>role</th><th>bytes</th><th>SHA-256</th></tr>` +
    `</thead><tbody>${
      report.inputs.map((i) =>
        `<tr><td class="mono">${escapeHtml(i.path)}</td><td>${escapeHtml(i.role)}</td><td>${i.size}</td>` +
        `<td class="mono">${escapeHtml(i.sha256)}</td></tr>`
      ).join("")
    }</tbody></table></details>`;
}

/** What the page says about how the report was produced, beyond `report.json` itself. */
export interface HtmlContext {
  /** The SHA-256 (hex) of the audit bundle that was run, when it was a bundle. */
  readonly bundleSha256?: string;
  /** The auditor's signature of `report.cose`, when it was signed. */
  readonly signature?: {
    /** The auditor key's kid (hex SHA-256 of its SPKI). */
    readonly kid: string;
    /** `iss` of the signed report. */
    readonly issuer: string;
    /** When it was signed, ISO 8601 UTC. */
    readonly signedAt: string;
  };
}

function summaryHtml(report: AuditReport, context: HtmlContext): string {
  const s = report.summary;
  const sig = context.signature;
  const row = (label: string, value: string) => `<dt>${label}</dt><dd>${value}</dd>`;
  return `<section class="summary" id="summary"><h2>Summary</h2><dl class="meta">${
    [
      row(
        "Playbook",
        `${escapeHtml(report.playbook.name)} <span class="mono">(${escapeHtml(report.playbook.path)})</span>`,
      ),
      row("Subject", escapeHtml(report.subject)),
      row(
        "Bundle",
        context.bundleSha256 !== undefined
          ? `<span class="mono">SHA-256 ${escapeHtml(context.bundleSha256)}</span>`
          : `not a bundle (playbook SHA-256 <span class="mono">${escapeHtml(report.playbook.sha256)}</span>)`,
      ),
      row("Evaluated at", `<span class="mono">${escapeHtml(report.evaluatedAt)}</span>`),
      row(
        "Signed by",
        sig
          ? `${escapeHtml(sig.issuer)}, key ID <span class="mono">${
            escapeHtml(sig.kid)
          }</span>, at <span class="mono">${escapeHtml(sig.signedAt)}</span>`
          : "not signed (no report.cose)",
      ),
      row(
        "Checks",
        `<span class="counts">${
          STATUS_ORDER.map((st) => `<span>${badge(st)} ${s[st]}</span>`).join("")
        }</span> <span class="total">${report.findings.length} in all</span>`,
      ),
    ].join("")
  }</dl></section>`;
}

/**
 * Renders a report as one self-contained HTML page a manager reads first: a summary (what was audited — playbook,
 * bundle digest, evaluation time, the auditor's key ID and signing time when `context` gives them — and the counts),
 * then failed checks and warnings, open, then skipped and passed checks folded in `<details>`, each grouped by
 * evidence kind and subject with their details under readable names; the inputs with their digests, folded.
 * Print styles lay it out on A4.
 *
 * @param report The report.
 * @param context The bundle digest and the signature to describe, when there are any.
 * @returns The `report.html` page.
 *
 * @example Usage
 * ```ts
 * import { doesNotMatch, match } from "node:assert/strict";
 * import { renderHtml } from "./html.ts";
 * import { summarize } from "./model.ts";
 * const findings = [{ id: "statement.a.signature", status: "fail" as const, kind: "statement" as const, subject: "a", message: "<bad>" }];
 * const html = renderHtml({
 *   format: "scitt-audit-report/1", tool: { name: "scitt-audit", version: "0.1.0" }, title: "Demo", subject: "demo",
 *   playbook: { name: "demo", path: "demo.yaml", sha256: "00".repeat(32) }, evaluatedAt: "2026-01-01T00:00:00.000Z",
 *   inputs: [], findings, ...summarize(findings),
 * });
 * match(html, /&lt;bad&gt;/);
 * doesNotMatch(html, /<script/);
 * ```
 */
export function renderHtml(report: AuditReport, context: HtmlContext = {}): string {
  const sections = STATUS_ORDER.map((status) => statusSection(status, report.findings)).join("\n");
  const title = escapeHtml(report.title);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — scitt-audit report</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<span class="verdict ${report.verdict}">${report.verdict === "pass" ? "PASS" : "FAIL"}</span>
${summaryHtml(report, context)}
</header>
<main>
${sections || "<p>No findings.</p>"}
${inputsHtml(report)}
</main>
<footer>Written by ${escapeHtml(report.tool.name)} ${
    escapeHtml(report.tool.version)
  } from report.json. The signed form, report.cose, is checked with <code>scitt-audit report verify</code>.</footer>
</body>
</html>
`;
}
