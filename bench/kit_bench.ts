/**
 * `deno task bench:kit`: the air-gap kit against `deno run` of the same code from source, measured in one run.
 * Builds the kit first (the task does), then prints, each as kit ÷ source:
 *
 * - size: the kit folder against what running from source needs on disk (the same Deno binary, the program's
 *   module graph as `deno info` lists it, and the yaml package's browser build it imports);
 * - start-up: the median wall time of `scitt-audit --version`;
 * - the demo audit: the median wall time of `run fixtures/demo/demo.yaml --out <fresh folder>`.
 *
 * Both sides run with the same permissions and V8 flags; the source side with a warm Deno cache (one run first),
 * the kit with its own cache warmed the same way.
 *
 * @module
 */

import { KIT_NAME } from "../tools/kit.ts";
import { PERMISSION_FLAGS, V8_FLAGS } from "../tools/runtime_flags.ts";

const REPO = new URL("../", import.meta.url).pathname;
const KIT = `${REPO}dist/${KIT_NAME}`;
const LAUNCHER = "dist/scitt-audit-kit/scitt-audit";
const STARTUP_RUNS = 15;
const DEMO_RUNS = 7;

async function treeBytes(path: string): Promise<number> {
  const info = await Deno.stat(path);
  if (info.isFile) return info.size;
  let total = 0;
  for await (const entry of Deno.readDir(path)) total += await treeBytes(`${path}/${entry.name}`);
  return total;
}

/** What running from source reads: the runtime, and the program (modules, yaml's browser build, config). */
async function sourceBytes(): Promise<{ runtime: number; program: number }> {
  const { stdout } = await new Deno.Command("deno", { args: ["info", "--json", "cli/main.ts"], cwd: REPO }).output();
  const graph = JSON.parse(new TextDecoder().decode(stdout)) as { modules: { specifier: string; size?: number }[] };
  const local = graph.modules.filter((m) => m.specifier.startsWith("file:") && m.size !== undefined);
  const modules = local.reduce((n, m) => n + m.size!, 0);
  const yaml = await treeBytes(`${REPO}node_modules/yaml/browser`);
  const config = (await Deno.stat(`${REPO}deno.json`)).size + (await Deno.stat(`${REPO}deno.lock`)).size;
  return { runtime: (await Deno.stat(Deno.execPath())).size, program: modules + yaml + config };
}

async function time(program: string, args: string[]): Promise<number> {
  const start = performance.now();
  const { code, stderr } = await new Deno.Command(program, { args, cwd: REPO, stdout: "null", stderr: "piped" })
    .output();
  const elapsed = performance.now() - start;
  if (code !== 0) throw new Error(`${program} ${args.join(" ")} exited ${code}: ${new TextDecoder().decode(stderr)}`);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs both sides alternately, `runs` times each after one warm-up, and returns the medians in ms. */
async function compare(runs: number, args: () => string[]): Promise<{ kit: number; source: number }> {
  const source = () => ["run", ...PERMISSION_FLAGS, ...V8_FLAGS, "cli/main.ts", ...args()];
  await time(LAUNCHER, args());
  await time("deno", source());
  const kit: number[] = [];
  const src: number[] = [];
  for (let i = 0; i < runs; i++) {
    kit.push(await time(LAUNCHER, args()));
    src.push(await time("deno", source()));
  }
  return { kit: median(kit), source: median(src) };
}

const out = await Deno.makeTempDir({ prefix: "scitt-audit-kit-bench-" });
try {
  let n = 0;
  const demo = () => ["run", "fixtures/demo/demo.yaml", "--out", `${out}/${n++}`, "-q"];
  const kitSize = await treeBytes(KIT).catch(() => {
    throw new Error("no dist/scitt-audit-kit: run deno task kit first");
  });
  const src = await sourceBytes();
  const srcSize = src.runtime + src.program;
  const kitProgram = (await Deno.stat(`${KIT}/app/scitt-audit.js`)).size;
  const startup = await compare(STARTUP_RUNS, () => ["--version"]);
  const audit = await compare(DEMO_RUNS, demo);
  const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
  const ms = (t: number) => `${t.toFixed(0)} ms`;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  console.log(`kit ÷ deno run from source (Deno ${Deno.version.deno}, ${Deno.build.target})`);
  console.log(`size:             ${ratio(kitSize, srcSize)}  (${mb(kitSize)} vs ${mb(srcSize)})`);
  console.log(
    `  program alone:  ${ratio(kitProgram, src.program)}  (${mb(kitProgram)} bundle vs ${mb(src.program)} of sources)`,
  );
  console.log(
    `start-up:         ${ratio(startup.kit, startup.source)}  (${ms(startup.kit)} vs ${
      ms(startup.source)
    }, median of ${STARTUP_RUNS}, scitt-audit --version)`,
  );
  console.log(
    `demo audit:       ${ratio(audit.kit, audit.source)}  (${ms(audit.kit)} vs ${
      ms(audit.source)
    }, median of ${DEMO_RUNS}, run fixtures/demo/demo.yaml)`,
  );
} finally {
  await Deno.remove(out, { recursive: true });
}
