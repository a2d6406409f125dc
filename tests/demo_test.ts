/**
 * The README's demo command (`deno task -q demo`) prints only the audit: no task line, no install output, nothing on
 * standard error, and it ends with the verdict and where the reports went.
 */

import * as assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { denoBinary } from "./_cli.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));

Deno.test("deno task -q demo prints only the audit and writes the four reports", async () => {
  const out = await new Deno.Command(denoBinary(), {
    args: ["task", "-q", "demo"],
    cwd: REPO,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout).trimEnd().split("\n");
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.equal(new TextDecoder().decode(out.stderr), "");
  assert.match(stdout[0]!, /^PASS {2}playbook {2}Loaded playbook 'Contoso ledger 1\.2\.0 release audit \(demo\)'/);
  assert.ok(stdout.every((line) => /^(PASS|FAIL|WARN|SKIP) {2}|^Reports written to /.test(line)), stdout.join("\n"));
  const written = /^Reports written to (.+): report\.json, report\.cose, report\.html, junit\.xml$/.exec(
    stdout.at(-1)!,
  );
  assert.ok(written, stdout.at(-1));
  for (const name of ["report.json", "report.cose", "report.html", "junit.xml"]) {
    assert.ok((await Deno.stat(`${written[1]}/${name}`)).isFile, name);
  }
  await Deno.remove(written[1]!, { recursive: true });
});
