/// <reference lib="dom" />
/**
 * The HTML report in a real headless browser (issue 13): Debian's `chromium`, started through `env` (the test
 * task may run `env`, not a browser) with a DevTools port, driven by `puppeteer-core` over 127.0.0.1. Renders the
 * demo reports, checks that the summary comes first and what is folded, prints the passing demo to A4 PDF and
 * counts its pages (at most 2), and keeps screenshots and the PDF under `tests/output/html_browser/` (ignored by
 * git). Without a browser the test says it was skipped; it never passes without one.
 */

import * as assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import puppeteer, { type Browser } from "npm:puppeteer-core@25.16.0";
import { memoryIo } from "../cli/io.ts";
import { runCli } from "../cli/main.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const OUTPUT = `${REPO}tests/output/html_browser`;
const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

function findBrowser(): string | undefined {
  for (const path of CANDIDATES) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

const BROWSER = findBrowser();
const CAN_RUN_ENV = Deno.permissions.querySync({ name: "run", command: "env" }).state === "granted";
const CAN_CONNECT = Deno.permissions.querySync({ name: "net", host: "127.0.0.1" }).state === "granted";
const SKIP = BROWSER === undefined
  ? "no chromium installed (apt-get install chromium; .ci/run does)"
  : !CAN_RUN_ENV || !CAN_CONNECT
  ? "needs --allow-run=env and --allow-net=127.0.0.1"
  : undefined;

/** Starts the browser headless on a free DevTools port and connects to it. */
async function startBrowser(profile: string): Promise<{ browser: Browser; stop: () => Promise<void> }> {
  const child = new Deno.Command("env", {
    args: [
      BROWSER!,
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--no-first-run",
      "--no-default-browser-check",
      "--remote-debugging-address=127.0.0.1",
      "--remote-debugging-port=0",
      `--user-data-dir=${profile}`,
      "about:blank",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  let endpoint: string | undefined;
  const deadline = Date.now() + 30_000;
  while (endpoint === undefined && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
    endpoint = /DevTools listening on (ws:\/\/\S+)/.exec(seen)?.[1];
  }
  if (endpoint === undefined) {
    child.kill("SIGKILL");
    await child.status;
    throw new Error(`chromium did not start:\n${seen.slice(-2000)}`);
  }
  // Keep draining the browser's log so that it never blocks on a full pipe.
  const drain = (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })();
  const browser = await puppeteer.connect({ browserWSEndpoint: endpoint });
  return {
    browser,
    async stop() {
      await browser.close().catch(() => {});
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
      await child.status;
      await drain.catch(() => {});
    },
  };
}

/** Runs a demo playbook into `out` and returns the report.html path. */
async function demoReport(playbook: string, out: string): Promise<string> {
  const io = memoryIo();
  const exit = await runCli(
    [
      "run",
      `${REPO}fixtures/demo/${playbook}`,
      "-q",
      "--out",
      out,
      "--signing-key",
      `${REPO}fixtures/demo/auditor.test-key.pem`,
    ],
    io,
  );
  assert.ok(exit === 0 || exit === 1, `run ${playbook}: ${io.stderr.join("\n")}`);
  return `${out}/report.html`;
}

/** The number of pages of a PDF made by Chromium (its page objects are written uncompressed). */
function pdfPages(pdf: Uint8Array): number {
  const text = new TextDecoder("latin1").decode(pdf);
  return [...text.matchAll(/\/Type\s*\/Page(?![a-zA-Z])/g)].length;
}

Deno.test({
  name: `report.html in headless Chromium: summary first, failures open, passes folded, A4 print on at most 2 pages${
    SKIP ? ` (skipped: ${SKIP})` : ""
  }`,
  ignore: SKIP !== undefined,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await Deno.mkdir(OUTPUT, { recursive: true });
    await Deno.writeTextFile(`${REPO}tests/output/.gitignore`, "*\n");
    const work = await Deno.makeTempDir({ prefix: "scitt-audit-html-" });
    const { browser, stop } = await startBrowser(`${work}/profile`);
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 1100, height: 1400 });
      const requests: string[] = [];
      page.on("request", (r) => requests.push(r.url()));

      // The passing demo: the summary, every check folded, two pages of A4 at most.
      const passing = await demoReport("demo.yaml", `${work}/pass`);
      await page.goto(`file://${passing}`, { waitUntil: "load" });
      const pass = await page.evaluate(() => {
        const summary = document.querySelector("#summary");
        const first = document.querySelector("main article.finding");
        const folded = [...document.querySelectorAll("details.folded")];
        const text = (summary as HTMLElement | null)?.innerText ?? "";
        const rect = first?.getBoundingClientRect();
        return {
          title: document.querySelector("h1")?.textContent,
          verdict: document.querySelector(".verdict")?.textContent,
          summaryText: text,
          summaryBeforeFindings: !!summary && !!first &&
            (summary.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0,
          folded: folded.map((d) => ({
            open: (d as HTMLDetailsElement).open,
            heading: d.querySelector("summary")?.textContent,
          })),
          firstFindingVisible: !!first && !!rect && rect.height > 0 && first.checkVisibility(),
          rawJson: /[{[]"[a-zA-Z]+":/.test(document.body.innerText),
        };
      });
      assert.equal(pass.title, "Contoso ledger 1.2.0 release audit");
      assert.equal(pass.verdict, "PASS");
      assert.ok(pass.summaryBeforeFindings, "the summary comes before the findings");
      for (
        const fact of [
          "Contoso ledger 1.2.0 release audit (demo)",
          "Evaluated at\n2026-11-01T00:00:00Z",
          "auditor.scitt-audit.example, key ID ",
          "32 in all",
        ]
      ) assert.ok(pass.summaryText.includes(fact), `summary shows ${JSON.stringify(fact)}:\n${pass.summaryText}`);
      assert.match(pass.summaryText, /key ID [0-9a-f]{64}, at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
      assert.deepEqual(pass.folded, [
        { open: false, heading: "Passed checks (32)" },
        { open: false, heading: `Inputs (${pass.folded[1]?.heading?.match(/\d+/)?.[0]} files)` },
      ]);
      assert.equal(pass.firstFindingVisible, false, "passed checks are folded");
      assert.equal(pass.rawJson, false, "no raw JSON in the page");
      await page.screenshot({ path: `${OUTPUT}/demo.png`, fullPage: true });
      const pdf = await page.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true });
      await Deno.writeFile(`${OUTPUT}/demo.pdf`, pdf);
      const pages = pdfPages(pdf);
      assert.ok(pages >= 1 && pages <= 2, `the demo report prints on ${pages} A4 pages`);

      // The failing demo: failures open and first, passes still folded.
      const failing = await demoReport("demo-failing.yaml", `${work}/fail`);
      await page.goto(`file://${failing}`, { waitUntil: "load" });
      const fail = await page.evaluate(() => {
        const first = document.querySelector("main article.finding");
        const rect = first?.getBoundingClientRect();
        return {
          verdict: document.querySelector(".verdict")?.textContent,
          firstStatus: first?.className,
          firstVisible: !!first && !!rect && rect.height > 0 && first.checkVisibility(),
          openSections: [...document.querySelectorAll("main > section > h2")].map((h) => h.textContent),
          folded: [...document.querySelectorAll("details.folded")].map((d) => (d as HTMLDetailsElement).open),
        };
      });
      assert.equal(fail.verdict, "FAIL");
      assert.equal(fail.firstStatus, "finding fail");
      assert.ok(fail.firstVisible, "failures are open");
      assert.match(fail.openSections[0] ?? "", /^Failed checks \(\d+\)$/);
      assert.ok(fail.folded.every((open) => open === false));
      await page.screenshot({ path: `${OUTPUT}/demo-failing.png`, fullPage: false });

      // Offline: nothing but the page itself was requested.
      assert.deepEqual(requests.filter((u) => !u.startsWith("file://")), []);
    } finally {
      await stop();
      await Deno.remove(work, { recursive: true });
    }
  },
});
