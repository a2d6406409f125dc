/**
 * `report.html`: one self-contained page, readable offline. Inline CSS only, no script, no external reference
 * (a Content-Security-Policy of `default-src 'none'` makes sure nothing is fetched); every value is escaped.
 *
 * @module
 */

import { canonicalJson } from "./canonical_json.ts";
import { groupByKind, groupBySubject, STATUS_ORDER } from "./_grouping.ts";
import type { AuditReport, EvidenceKind, Finding, FindingStatus, Json } from "./model.ts";

const KIND_TITLES: Readonly<Record<EvidenceKind, string>> = {
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

/** Nested details deeper than this are shown as JSON text. */
const MAX_DETAIL_DEPTH = 6;

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
`;

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./html.ts";
 * console.assert(escapeHtml(`<a href="x">'&'</a>`) === "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
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
  return typeof value === "string" ? escapeHtml(value) : `<code>${escapeHtml(JSON.stringify(value))}</code>`;
}

/** An array of flat objects (receipts, inputs) reads best as a table with one column per member. */
function table(rows: readonly { [key: string]: Json }[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: Json | undefined) => (v === undefined ? "" : isScalar(v) ? scalar(v) : renderJson(v, 1));
  return `<table><thead><tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr></thead><tbody>${
    rows.map((r) => `<tr>${columns.map((c) => `<td>${cell(r[c])}</td>`).join("")}</tr>`).join("")
  }</tbody></table>`;
}

function renderJson(value: Json, depth: number): string {
  if (isScalar(value)) return scalar(value);
  if (depth > MAX_DETAIL_DEPTH) return `<code>${escapeHtml(canonicalJson(value))}</code>`;
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
    entries.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${renderJson(v, depth + 1)}</dd>`).join("")
  }</dl>`;
}

function findingHtml(finding: Finding): string {
  const code = finding.code ? ` <code>${escapeHtml(finding.code)}</code>` : "";
  const more = finding.details && Object.keys(finding.details).length > 0 ? details(finding.details, 0) : "";
  return `<article class="finding ${finding.status}">${badge(finding.status)}<span class="id">${
    escapeHtml(finding.id)
  }</span><p>${escapeHtml(finding.message)}${code}</p>${more}</article>`;
}

function counts(summary: AuditReport["summary"]): string {
  return `<p class="counts">${STATUS_ORDER.map((s) => `<span>${badge(s)} ${summary[s]}</span>`).join("")}</p>`;
}

const STATUS_TITLES: Readonly<Record<FindingStatus, string>> = {
  fail: "Failed checks",
  warn: "Warnings",
  skip: "Skipped checks",
  pass: "Passed checks",
};

/** One section per status, most severe first, each grouped by evidence kind and then by subject. */
function statusSection(status: FindingStatus, findings: readonly Finding[]): string {
  const matching = findings.filter((f) => f.status === status);
  if (matching.length === 0) return "";
  return `<section class="status-${status}"><h2>${STATUS_TITLES[status]} (${matching.length})</h2>${
    groupByKind(matching).map((kind) =>
      `<section><h3>${KIND_TITLES[kind.key]}</h3>${
        groupBySubject(kind.findings).map((subject) =>
          `<h4>${escapeHtml(subject.key)}</h4>${subject.findings.map(findingHtml).join("")}`
        ).join("")
      }</section>`
    ).join("")
  }</section>`;
}

function inputsHtml(report: AuditReport): string {
  if (report.inputs.length === 0) return "";
  return `<section><h2>Inputs</h2><table><thead><tr><th>path</th><th>role</th><th>bytes</th><th>SHA-256</th></tr>` +
    `</thead><tbody>${
      report.inputs.map((i) =>
        `<tr><td class="mono">${escapeHtml(i.path)}</td><td>${escapeHtml(i.role)}</td><td>${i.size}</td>` +
        `<td class="mono">${escapeHtml(i.sha256)}</td></tr>`
      ).join("")
    }</tbody></table></section>`;
}

/**
 * Renders a report as one self-contained HTML page: verdict and counts; the findings in one section per status,
 * failed checks first, then warnings, skipped and passed checks, each grouped by evidence kind and subject and
 * shown with their details (issuer, subject, svn, receipts and txids, as the checks recorded them); the inputs
 * with their digests.
 *
 * @example
 * ```ts
 * import { renderHtml } from "./html.ts";
 * import { summarize } from "./model.ts";
 * const findings = [{ id: "statement.a.signature", status: "fail" as const, kind: "statement" as const, subject: "a", message: "<bad>" }];
 * const html = renderHtml({
 *   format: "scitt-audit-report/1", tool: { name: "scitt-audit", version: "0.1.0" }, title: "Demo", subject: "demo",
 *   playbook: { name: "demo", path: "demo.yaml", sha256: "00".repeat(32) }, evaluatedAt: "2026-01-01T00:00:00.000Z",
 *   inputs: [], findings, ...summarize(findings),
 * });
 * console.assert(html.includes("&lt;bad&gt;") && !html.includes("<script"));
 * ```
 */
export function renderHtml(report: AuditReport): string {
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
<dl class="meta">
<dt>Subject</dt><dd>${escapeHtml(report.subject)}</dd>
<dt>Evaluated at</dt><dd class="mono">${escapeHtml(report.evaluatedAt)}</dd>
<dt>Playbook</dt><dd>${escapeHtml(report.playbook.name)} <span class="mono">(${
    escapeHtml(report.playbook.path)
  }, SHA-256 ${escapeHtml(report.playbook.sha256)})</span></dd>
<dt>Tool</dt><dd>${escapeHtml(report.tool.name)} ${escapeHtml(report.tool.version)}</dd>
</dl>
${counts(report.summary)}
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
