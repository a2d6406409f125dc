/**
 * The air-gap kit, tested the way an auditor uses it: build it once, unpack the archive into a fresh folder,
 * and from another working folder, with an empty environment and inside a network namespace with no network
 * (`unshare -n`), run the demo playbook, verify the signed report, and verify statements in worker threads.
 *
 * That the network is refused by the runtime, not by the namespace's luck, is shown by a second copy of the
 * kit whose program file is replaced by a probe: the unchanged launcher runs it with the same runtime, flags
 * and environment, and the probe reports the error each forbidden operation raised (`NotCapable` for the
 * network, the environment, subprocesses, FFI and system information; `EvalError` for eval and `new Function`;
 * a refusal for remote and npm imports). The probe also runs outside the namespace,
 * where loopback works, so a refusal there cannot be a connection failure.
 *
 * @module
 */

import { memoryIo } from "../cli/io.ts";
import { runCli } from "../cli/main.ts";
import { buildKit, KIT_NAME, LAUNCHER_FLAGS } from "../tools/kit.ts";
import { assert } from "./_assert.ts";

const REPO = new URL("../", import.meta.url).pathname;

/** Whether this platform lets us create a network namespace (`unshare -n`); the reason when it does not. */
async function unshareRefusal(): Promise<string | undefined> {
  try {
    const { code, stderr } = await new Deno.Command("unshare", { args: ["-n", "true"], stderr: "piped" }).output();
    return code === 0 ? undefined : new TextDecoder().decode(stderr).trim() || `exit ${code}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the launcher with an empty environment from `cwd`, in a new network namespace when `isolate`. */
async function launch(launcher: string, args: string[], cwd: string, isolate: boolean): Promise<Run> {
  const [program, ...rest] = isolate ? ["unshare", "-n", "--", launcher, ...args] : ["env", launcher, ...args];
  const out = await new Deno.Command(program!, { args: rest, cwd, clearEnv: true, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyTree(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else if (entry.isFile) await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

/** The probe that stands in for the program: each forbidden operation and the error it raised. */
const PROBE = `
const attempts = {
  fetch: () => fetch("http://127.0.0.1:8080/"),
  connect: () => Deno.connect({ hostname: "127.0.0.1", port: 9 }),
  resolveDns: () => Deno.resolveDns("example.org", "A"),
  env: () => Deno.env.get("PATH"),
  run: () => new Deno.Command(Deno.execPath(), { args: ["--version"] }).output(),
  ffi: () => Deno.dlopen("libc.so.6", {}),
  sys: () => Deno.hostname(),
  eval: () => eval("1 + 1"),
  function: () => new Function("return 1")(),
  remoteImport: () => import("https://example.org/mod.js"),
  npmImport: () => import("npm:yaml"),
  read: () => Deno.readTextFile(new URL(import.meta.url)),
};
const results = {};
for (const [name, attempt] of Object.entries(attempts)) {
  try {
    await attempt();
    results[name] = { allowed: true };
  } catch (error) {
    results[name] = { allowed: false, error: error?.name ?? typeof error, message: String(error?.message ?? error).split("\\n")[0] };
  }
}
console.log(JSON.stringify(results));
`;

interface Attempt {
  readonly allowed: boolean;
  readonly error?: string;
  readonly message?: string;
}

Deno.test("air-gap kit: audit, verify and refuse the network with an empty environment, offline", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "scitt-audit-kit-test-" });
  try {
    const refusal = await unshareRefusal();
    const isolate = refusal === undefined;
    if (!isolate) {
      console.warn(`SKIPPED the network namespace: 'unshare -n' is refused here (${refusal}); runs without it`);
    }
    const kit = await buildKit(`${root}/build`);

    // Unpack the single-file archive into a fresh folder, as on the audit machine.
    const unpacked = `${root}/airgap`;
    await Deno.mkdir(unpacked);
    const untar = await new Deno.Command("tar", { args: ["-xzf", kit.archive, "-C", unpacked] }).output();
    assert(untar.code === 0, "tar could not unpack the kit archive");
    const launcher = `${unpacked}/${KIT_NAME}/scitt-audit`;
    const sums = await Deno.readTextFile(`${unpacked}/${KIT_NAME}/SHA256SUMS`);
    assert(sums.includes("  bin/deno\n") && sums.includes("  app/scitt-audit.js\n"), "SHA256SUMS lists the files");
    const script = await Deno.readTextFile(launcher);
    assert(script.includes(`run ${LAUNCHER_FLAGS.join(" ")} \\`), "the launcher passes the fixed flags");
    assert(!/allow-(net|env|run|ffi|sys|all)|\s-A\s/.test(script), "the launcher grants no more than read/write");

    // The evidence, in a working folder elsewhere.
    const work = `${root}/work`;
    for (const part of ["demo", "mst"]) await copyTree(`${REPO}fixtures/${part}`, `${work}/fixtures/${part}`);

    await t.step("--version", async () => {
      const run = await launch(launcher, ["--version"], work, isolate);
      assert(run.code === 0 && /^scitt-audit \d/.test(run.stdout), `--version failed: ${run.stderr}`);
    });

    await t.step("the demo audit passes and its report equals the one run from source", async () => {
      const run = await launch(launcher, ["run", "fixtures/demo/demo.yaml", "--out", "out"], work, isolate);
      assert(run.code === 0, `the demo audit exited ${run.code}: ${run.stderr}${run.stdout.slice(-400)}`);
      assert(/\bPASS\b.*32 passed, 0 failed/.test(run.stdout), `unexpected verdict:\n${run.stdout.slice(-400)}`);
      const io = memoryIo();
      const source = `${root}/from-source`;
      const code = await runCli(["run", `${work}/fixtures/demo/demo.yaml`, "--out", source, "-q"], io);
      assert(code === 0, `the source run exited ${code}: ${io.stderr.join("\n")}`);
      const kitReport = JSON.parse(await Deno.readTextFile(`${work}/out/report.json`));
      const sourceReport = JSON.parse(await Deno.readTextFile(`${source}/report.json`));
      assert(
        JSON.stringify(kitReport.findings) === JSON.stringify(sourceReport.findings) &&
          kitReport.verdict === sourceReport.verdict,
        "the kit's findings differ from the source run's",
      );
    });

    await t.step("report verify checks the signed report and re-runs the playbook", async () => {
      const run = await launch(
        launcher,
        [
          "report",
          "verify",
          "out/report.cose",
          "--key",
          "fixtures/demo/auditor.test-key.pub.pem",
          "--playbook",
          "fixtures/demo/demo.yaml",
        ],
        work,
        isolate,
      );
      assert(run.code === 0, `report verify exited ${run.code}: ${run.stderr}${run.stdout}`);
      assert(/^valid\b/m.test(run.stdout) && /verdict: PASS/.test(run.stdout), `report verify:\n${run.stdout}`);
      assert(/re-run: identical verdict/.test(run.stdout), `the re-run differs:\n${run.stdout}`);
    });

    await t.step("verify in worker threads (the inlined worker)", async () => {
      const keys = "fixtures/mst/keys";
      const run = await launch(
        launcher,
        [
          "verify",
          "--workers",
          "2",
          "fixtures/mst/statements/release-1.0.cose",
          "fixtures/mst/statements/release-1.1.cose",
          "fixtures/mst/statements/release-1.2.cose",
          "--keys",
          `ledger.contoso.example=${keys}/ledger.contoso.example.jwks.json`,
          "--keys",
          `ledger.fabrikam.example=${keys}/ledger.fabrikam.example.jwks.json`,
        ],
        work,
        isolate,
      );
      assert(run.code === 0, `verify --workers 2 exited ${run.code}: ${run.stderr}${run.stdout}`);
      assert(/3 valid, 0 not valid/.test(run.stdout), `verify --workers 2:\n${run.stdout}`);
    });

    await t.step("the runtime refuses the network, the environment, subprocesses and eval", async () => {
      // A second copy whose program is the probe; the launcher, runtime and flags are the kit's, unchanged.
      const probeKit = `${root}/probe`;
      await Deno.mkdir(probeKit);
      const untarProbe = await new Deno.Command("tar", { args: ["-xzf", kit.archive, "-C", probeKit] }).output();
      assert(untarProbe.code === 0, "tar could not unpack the kit archive");
      await Deno.writeTextFile(`${probeKit}/${KIT_NAME}/app/scitt-audit.js`, PROBE);
      const probeLauncher = `${probeKit}/${KIT_NAME}/scitt-audit`;
      const modes = isolate ? [true, false] : [false];
      for (const inNamespace of modes) {
        const run = await launch(probeLauncher, [], work, inNamespace);
        assert(run.code === 0, `the probe exited ${run.code}: ${run.stderr}`);
        const results = JSON.parse(run.stdout) as Record<string, Attempt>;
        const where = inNamespace ? "in the namespace" : "on the host network";
        for (const [name, permission] of [["fetch", "net"], ["connect", "net"], ["resolveDns", "net"]] as const) {
          const r = results[name]!;
          assert(
            r.error === "NotCapable" && r.message!.includes(`Requires ${permission} access`),
            `${name} ${where} was not refused by the runtime: ${JSON.stringify(r)}`,
          );
        }
        for (const [name, permission] of [["env", "env"], ["run", "run"], ["ffi", "ffi"], ["sys", "sys"]] as const) {
          const r = results[name]!;
          assert(
            r.error === "NotCapable" && r.message!.includes(`Requires ${permission} access`),
            `${name} was not refused: ${JSON.stringify(r)}`,
          );
        }
        for (const name of ["eval", "function"]) {
          assert(results[name]!.error === "EvalError", `${name} compiled code: ${JSON.stringify(results[name])}`);
        }
        for (const name of ["remoteImport", "npmImport"]) {
          assert(!results[name]!.allowed, `${name} was allowed: ${JSON.stringify(results[name])}`);
        }
        assert(results.read!.allowed, `the probe could not read its own file: ${JSON.stringify(results.read)}`);
      }
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
