/**
 * `deno task install` (issue 13): installs `scitt-audit` into a temporary `DENO_INSTALL_ROOT`, then runs it from
 * another folder: paths are the user's, reports are written there, and a folder it may not write is named in the
 * tool's own words, never Deno's ("--allow-write").
 */

import * as assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { INSTALL_FLAGS } from "../tools/install.ts";
import { LAUNCHER_FLAGS } from "../tools/kit.ts";
import { newLedger, writeLedger } from "./_ledger.ts";
import { denoBinary } from "./_cli.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));

const text = new TextDecoder();

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await copyTree(`${from}/${e.name}`, `${to}/${e.name}`);
    else if (e.isFile) await Deno.copyFile(`${from}/${e.name}`, `${to}/${e.name}`);
  }
}

Deno.test("deno task install puts scitt-audit in DENO_INSTALL_ROOT/bin; it runs from any folder on the user's paths", async () => {
  const root = await Deno.makeTempDir({ prefix: "scitt-audit-root-" });
  const work = await Deno.makeTempDir({ prefix: "scitt-audit-work-" });
  const elsewhere = await Deno.makeTempDir({ prefix: "scitt-audit-elsewhere-" });
  try {
    const installed = await new Deno.Command(denoBinary(), {
      args: ["run", "--allow-read", "--allow-write", "--allow-run=deno", "--no-prompt", "tools/install.ts"],
      cwd: REPO,
      env: { DENO_INSTALL_ROOT: root, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const said = text.decode(installed.stdout);
    assert.equal(installed.code, 0, text.decode(installed.stderr) + said);
    const launcher = `${root}/bin/scitt-audit`;
    assert.equal(said.split("\n")[0], `Installed scitt-audit: ${launcher}`);
    const script = await Deno.readTextFile(launcher);
    assert.ok(script.includes(INSTALL_FLAGS.join(" ")), `the launcher's flags: ${script}`);
    assert.doesNotMatch(script, /allow-(net|env|run|ffi|sys|all)|\s-A\s/);
    assert.ok(
      INSTALL_FLAGS.every((f) => f.startsWith("--v8-flags") || LAUNCHER_FLAGS.includes(f)),
      "the kit grants the same",
    );

    await copyTree(`${REPO}fixtures/demo`, `${work}/demo`);
    await copyTree(`${REPO}fixtures/mst`, `${work}/mst`);
    // `env` runs the launcher (a POSIX sh script) from the work folder, as a user's shell would.
    const run = async (...args: string[]) => {
      const out = await new Deno.Command("env", {
        args: ["NO_COLOR=1", launcher, ...args],
        cwd: work,
        stdout: "piped",
        stderr: "piped",
      }).output();
      return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
    };
    const version = await run("--version");
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /^scitt-audit \d+\.\d+\.\d+/);

    const audit = await run("run", "demo/demo.yaml", "-q", "--out", "reports");
    assert.equal(audit.code, 0, audit.stderr + audit.stdout);
    assert.match(audit.stdout, /Reports written to reports: report\.json, report\.cose, report\.html, junit\.xml/);
    assert.ok((await Deno.stat(`${work}/reports/report.json`)).isFile, "written in the user's folder");

    const outside = await run("run", "demo/demo.yaml", "-q", "--out", `${elsewhere}/r`);
    assert.equal(outside.code, 0, outside.stderr + outside.stdout);
    assert.ok((await Deno.stat(`${elsewhere}/r/report.json`)).isFile, "written to the --out it names, outside");

    const ledger = await newLedger("install");
    await writeLedger(ledger.files, `${work}/demo`);
    const state = await run("ledger", "verify", "demo", "--state", `${elsewhere}/state.json`, "-q");
    assert.equal(state.code, 4);
    assert.equal(
      state.stderr.trim(),
      `scitt-audit: Cannot write ${elsewhere}/state.json: scitt-audit may write only under the folder it was started in and the --out it names; name this path with --out, or start scitt-audit from a folder that holds ${elsewhere}/state.json`,
    );
    assert.doesNotMatch(state.stderr, /--allow-|allow-all|run again/);
    const comma = await run("run", "demo/demo.yaml", "--out", "a,b");
    assert.equal(comma.code, 2);
    assert.match(comma.stderr, /cannot write to 'a,b': a path holding a comma cannot be granted/);
  } finally {
    for (const dir of [root, work, elsewhere]) await Deno.remove(dir, { recursive: true });
  }
});
