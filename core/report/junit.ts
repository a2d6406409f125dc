/**
 * `junit.xml`: the report for CI systems. One testsuite per evidence kind, one testcase per finding; a `fail`
 * finding is a `<failure>`, a `skip` finding `<skipped>`, a `warn` finding passes with its message in `<system-out>`.
 *
 * @module
 */

import { canonicalJson } from "./canonical_json.ts";
import { groupByKind } from "./_grouping.ts";
import type { AuditReport, Finding } from "./model.ts";

/** Characters XML 1.0 cannot carry at all (§2.2), replaced by U+FFFD. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const XML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};

/**
 * Escapes text for an XML attribute value (line breaks kept as character references) or, with `text`, for
 * element content.
 *
 * @param value The text.
 * @param options `text: true` to escape for element content.
 * @returns The escaped text; characters XML cannot hold become U+FFFD.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { escapeXml } from "./junit.ts";
 * equal(escapeXml(`a<b & "c"\n`), "a&lt;b &amp; &quot;c&quot;&#10;");
 * equal(escapeXml("a\nb\u0001", { text: true }), "a\nb\uFFFD");
 * ```
 */
export function escapeXml(value: string, options: { readonly text?: boolean } = {}): string {
  const special = options.text ? /[&<>]/g : /[&<>"'\t\n\r]/g;
  return value.replace(NOT_XML, "\uFFFD").replace(special, (c) => XML_ESCAPES[c]!);
}

function attributes(record: Readonly<Record<string, string | number>>): string {
  return Object.entries(record).map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`).join("");
}

function body(finding: Finding): string {
  const lines = [finding.message];
  if (finding.code) lines.push(`code: ${finding.code}`);
  if (finding.details) lines.push(`details: ${canonicalJson(finding.details)}`);
  return escapeXml(lines.join("\n"), { text: true });
}

function testcase(finding: Finding): string {
  const head = `    <testcase${
    attributes({ name: finding.id, classname: `${finding.kind}.${finding.subject}`, time: 0 })
  }`;
  switch (finding.status) {
    case "fail":
      return `${head}>\n      <failure${attributes({ message: finding.message, type: finding.code ?? "fail" })}>${
        body(finding)
      }</failure>\n    </testcase>`;
    case "skip":
      return `${head}>\n      <skipped${attributes({ message: finding.message })}/>\n    </testcase>`;
    case "warn":
      return `${head}>\n      <system-out>warning: ${body(finding)}</system-out>\n    </testcase>`;
    case "pass":
      return `${head}>\n      <system-out>${body(finding)}</system-out>\n    </testcase>`;
  }
}

function counts(findings: readonly Finding[]) {
  return {
    tests: findings.length,
    failures: findings.filter((f) => f.status === "fail").length,
    errors: 0,
    skipped: findings.filter((f) => f.status === "skip").length,
  };
}

/**
 * Renders a report as JUnit XML.
 *
 * @param report The report.
 * @returns The `junit.xml` text: one test suite per evidence kind.
 *
 * @example Usage
 * ```ts
 * import { match } from "node:assert/strict";
 * import { renderJunit } from "./junit.ts";
 * import { summarize } from "./model.ts";
 * const findings = [{ id: "artifact.app", status: "fail" as const, kind: "artifact" as const, subject: "app.tar", message: "digest differs" }];
 * const xml = renderJunit({
 *   format: "scitt-audit-report/1", tool: { name: "scitt-audit", version: "0.1.0" }, title: "Demo", subject: "demo",
 *   playbook: { name: "demo", path: "demo.yaml", sha256: "00".repeat(32) }, evaluatedAt: "2026-01-01T00:00:00.000Z",
 *   inputs: [], findings, ...summarize(findings),
 * });
 * match(xml, /<testsuite name="artifact" tests="1" failures="1"/);
 * ```
 */
export function renderJunit(report: AuditReport): string {
  const suites = groupByKind(report.findings).map((group) =>
    `  <testsuite${
      attributes({ name: group.key, ...counts(group.findings), time: 0, timestamp: report.evaluatedAt })
    }>\n${group.findings.map(testcase).join("\n")}\n  </testsuite>`
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${
    attributes({ name: `${report.title} (${report.subject})`, ...counts(report.findings), time: 0 })
  }>\n${suites.join("\n")}\n</testsuites>\n`;
}
