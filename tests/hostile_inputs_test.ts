/**
 * Hostile inputs (issue 13): devices, pipes, links, huge or deep files and malformed evidence must each give one
 * clear line and a documented exit status. The cases that used to crash, hang or grow past 2 GiB run the command
 * line as a process under a 256 MiB heap limit and a time limit; the rest run in process.
 */

import * as assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { decodeMaaToken, parseMaaCerts } from "../core/attestation/maa_token.ts";
import { AuditError } from "../core/errors.ts";
import { cli, denoBinary } from "./_cli.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const MAIN = `${REPO}cli/main.ts`;
const DEMO_DIR = `${REPO}fixtures/demo`;
const MST = `${REPO}fixtures/mst`;
const STATEMENT = `${MST}/statements/release-1.2.cose`;
const CONTOSO_KEYS = `${MST}/keys/ledger.contoso.example.jwks.json`;
const KEYS = [
  "--keys",
  `ledger.contoso.example=${CONTOSO_KEYS}`,
  "--keys",
  `ledger.fabrikam.example=${MST}/keys/ledger.fabrikam.example.jwks.json`,
];
const HAS_DEV_ZERO = (() => {
  try {
    return Deno.statSync("/dev/zero").isCharDevice === true;
  } catch {
    return false;
  }
})();

interface Proc {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs the command line as a process with a 256 MiB heap and a 20 s limit, in `cwd`. */
async function proc(cwd: string, ...args: string[]): Promise<Proc> {
  const started = performance.now();
  const { code, stdout, stderr } = await new Deno.Command(denoBinary(), {
    args: [
      "run",
      "--v8-flags=--max-old-space-size=256",
      "--allow-read",
      `--allow-write=${cwd}`,
      "--no-prompt",
      MAIN,
      ...args,
    ],
    cwd,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(20_000),
  }).output();
  const d = new TextDecoder();
  return { code, stdout: d.decode(stdout), stderr: d.decode(stderr), ms: performance.now() - started };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "scitt-audit-hostile-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A copy of the demo (playbook, keys and the mst fixtures it names) in `dir`, returning the playbook path. */
async function copyDemo(dir: string, edit: (yaml: string) => string = (y) => y): Promise<string> {
  await Deno.mkdir(`${dir}/demo`);
  for (const name of ["demo.yaml", "auditor.test-key.pem", "test-root-ca.pem"]) {
    await Deno.copyFile(`${DEMO_DIR}/${name}`, `${dir}/demo/${name}`);
  }
  for (const sub of ["keys", "statements", "artifacts"]) {
    await Deno.mkdir(`${dir}/mst/${sub}`, { recursive: true });
    for await (const e of Deno.readDir(`${MST}/${sub}`)) {
      if (e.isFile) await Deno.copyFile(`${MST}/${sub}/${e.name}`, `${dir}/mst/${sub}/${e.name}`);
    }
  }
  const path = `${dir}/demo/demo.yaml`;
  await Deno.writeTextFile(path, edit(await Deno.readTextFile(path)));
  return path;
}

function oneLine(text: string): string {
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line, found: ${text}`);
  return lines[0]!;
}

// --- Devices, pipes and links: refused before reading, under a memory limit ----------------------------------

const DEVICE_CASES: [string, string[], number, RegExp][] = [
  ["verify /dev/zero", ["verify", "/dev/zero", ...KEYS], 3, /Cannot read \/dev\/zero: it is a character device/],
  [
    "inspect /dev/urandom",
    ["inspect", "/dev/urandom"],
    3,
    /^scitt-audit: Cannot read \/dev\/urandom: it is a character device, not a regular file$/,
  ],
  [
    "--keys HOST=/dev/zero",
    ["verify", STATEMENT, "--keys", "h.example=/dev/zero"],
    3,
    /^scitt-audit: Cannot read \/dev\/zero: it is a character device/,
  ],
  ["run /dev/zero", ["run", "/dev/zero"], 3, /^scitt-audit: Cannot read \/dev\/zero: it is a character device/],
  [
    "bundle list /dev/urandom",
    ["bundle", "list", "/dev/urandom"],
    3,
    /^scitt-audit: Cannot read \/dev\/urandom: it is a character device/,
  ],
];

for (const [name, args, exit, message] of DEVICE_CASES) {
  Deno.test({
    name: `${name} is refused in one line, exit ${exit}, under a 256 MiB heap`,
    ignore: !HAS_DEV_ZERO,
    async fn() {
      await withDir(async (dir) => {
        const run = await proc(dir, ...args);
        assert.equal(run.code, exit, run.stderr);
        const text = run.stderr.trim() || run.stdout.trim().split("\n").at(-1)!;
        assert.match(text, message);
        assert.doesNotMatch(run.stderr, /internal error|at file:|RangeError/);
      });
    },
  });
}

/** Makes a named pipe with mkfifo (run through `env`, which the test task may run); false when it cannot. */
async function mkfifo(path: string): Promise<boolean> {
  try {
    return (await new Deno.Command("env", { args: ["mkfifo", path], stderr: "null" }).output()).success;
  } catch {
    return false;
  }
}

const FIFO_PROBE = await Deno.makeTempDir({ prefix: "scitt-audit-fifo-" });
const CAN_MKFIFO = await mkfifo(`${FIFO_PROBE}/p`);
await Deno.remove(FIFO_PROBE, { recursive: true });

Deno.test({
  name: `verify on a named pipe is refused at once, not read (no hang), exit 3${
    CAN_MKFIFO ? "" : " (skipped: mkfifo cannot be run)"
  }`,
  ignore: !CAN_MKFIFO,
  async fn() {
    await withDir(async (dir) => {
      assert.ok(await mkfifo(`${dir}/pipe.cose`));
      const run = await proc(dir, "verify", "pipe.cose", ...KEYS);
      assert.equal(run.code, 3);
      assert.match(run.stdout, /error {4}pipe\.cose {2}Cannot read pipe\.cose: it is a named pipe, not a regular file/);
    });
  },
});

Deno.test({
  name: "a folder holding a symbolic link to /dev/zero is verified without reading the device, exit 3",
  ignore: !HAS_DEV_ZERO,
  async fn() {
    await withDir(async (dir) => {
      await Deno.mkdir(`${dir}/evidence`);
      await Deno.copyFile(STATEMENT, `${dir}/evidence/a.cose`);
      await Deno.symlink("/dev/zero", `${dir}/evidence/z.cose`);
      const run = await proc(dir, "verify", "evidence", ...KEYS);
      assert.equal(run.code, 3, run.stderr);
      assert.match(run.stdout, /valid {4}evidence\/a\.cose {2}contoso-ledger svn 3/);
      assert.match(run.stdout, /error {4}evidence\/z\.cose {2}Cannot read evidence\/z\.cose: it is a character device/);
    });
  },
});

Deno.test({
  name: "a playbook whose evidence file or signing key is /dev/zero stops in one line, exit 3",
  ignore: !HAS_DEV_ZERO,
  async fn() {
    await withDir(async (dir) => {
      const evidence = await copyDemo(dir, (y) => y.replace("file: ../mst/statements/app.tar.cose", "file: /dev/zero"));
      const run = await proc(dir, "run", evidence, "-q");
      assert.equal(run.code, 3, run.stderr + run.stdout);
      assert.match(run.stderr + run.stdout, /Cannot read \/dev\/zero: it is a character device, not a regular file/);
    });
    await withDir(async (dir) => {
      const playbook = await copyDemo(dir);
      const run = await proc(dir, "run", playbook, "--out", `${dir}/out`, "--signing-key", "/dev/zero");
      assert.equal(run.code, 3);
      assert.equal(
        oneLine(run.stderr),
        "scitt-audit: Cannot read /dev/zero: it is a character device, not a regular file",
      );
      assert.equal(run.stdout, "", "the audit did not start");
    });
  },
});

Deno.test("--max-input-size caps every read and can be raised; a bad size is a usage error", async () => {
  await withDir(async (dir) => {
    const big = `${dir}/big.cose`;
    await Deno.copyFile(STATEMENT, big);
    const size = (await Deno.stat(big)).size;
    const small = await cli("--max-input-size", "1K", "inspect", big);
    assert.equal(small.exit, 3);
    assert.deepEqual(small.stderr, [
      `scitt-audit: Cannot read ${big}: it is larger than the 1 KiB limit; raise it with --max-input-size`,
    ]);
    assert.ok(size > 1024);
    const enough = await cli("inspect", big, "--max-input-size=64M");
    assert.equal(enough.exit, 0);
    const bad = await cli("--max-input-size", "lots", "inspect", big);
    assert.deepEqual([bad.exit, bad.stderr], [2, [
      "scitt-audit: --max-input-size must be a size such as 512M or 1G; found 'lots'",
    ]]);
    // The limit is per run: the next run has the default again.
    assert.equal((await cli("inspect", big)).exit, 0);
  });
});

// --- Writes and packing never follow a link out ------------------------------------------------------------

Deno.test("run --out refuses a report.json that is a symbolic link, before the audit, and leaves its target alone", async () => {
  await withDir(async (dir) => {
    const playbook = await copyDemo(dir);
    await Deno.mkdir(`${dir}/out`);
    await Deno.writeTextFile(`${dir}/elsewhere.txt`, "keep me");
    await Deno.symlink(`${dir}/elsewhere.txt`, `${dir}/out/report.json`);
    const run = await cli("run", playbook, "--out", `${dir}/out`, "--force", "-q");
    assert.equal(run.exit, 4);
    assert.deepEqual(run.stderr, [
      `scitt-audit: Cannot write ${dir}/out/report.json: it is a symbolic link, which a report is never written through; remove it or choose another --out`,
    ]);
    assert.deepEqual(run.stdout, []);
    assert.equal(await Deno.readTextFile(`${dir}/elsewhere.txt`), "keep me");
  });
});

Deno.test("bundle pack refuses a file that is a symbolic link leaving the playbook's folder", async () => {
  await withDir(async (dir) => {
    const playbook = await copyDemo(dir);
    const outside = await Deno.makeTempFile({ prefix: "scitt-audit-outside-" });
    try {
      await Deno.remove(`${dir}/mst/artifacts/app.tar`);
      await Deno.symlink(outside, `${dir}/mst/artifacts/app.tar`);
      const run = await cli("bundle", "pack", playbook, "-o", `${dir}/a.bundle`);
      assert.equal(run.exit, 3);
      assert.equal(run.stderr.length, 1);
      assert.match(
        run.stderr[0]!,
        /: '\.\.\/mst\/artifacts\/app\.tar' is a symbolic link to .*scitt-audit-outside-.*, outside the playbook's folder .*; a bundle holds only files inside it$/,
      );
      await assert.rejects(Deno.stat(`${dir}/a.bundle`), Deno.errors.NotFound);
    } finally {
      await Deno.remove(outside);
    }
  });
});

// --- Playbooks: depth, literals, self-comparison, key files -------------------------------------------------

Deno.test("a playbook nested thousands of levels deep is refused early with a clear message, under a memory limit", async () => {
  await withDir(async (dir) => {
    const flow = "playbook: 1\nname: x\nstatements:\n  - id: a\n    file: a.cose\n    expect: " + "[".repeat(200_000) +
      "]".repeat(200_000) + "\n";
    await Deno.writeTextFile(`${dir}/flow.yaml`, flow);
    let block = "playbook: 1\nname: x\nz:\n";
    for (let i = 1; i <= 600; i++) block += `${" ".repeat(i)}k:\n`;
    await Deno.writeTextFile(`${dir}/block.yaml`, block);
    await Deno.writeTextFile(`${dir}/dashes.yaml`, "playbook: 1\nname: x\nz: " + "- ".repeat(50_000) + "x\n");
    for (const [file, position] of [["flow.yaml", "6:74"], ["block.yaml", "67:65"], ["dashes.yaml", "3:130"]]) {
      const run = await proc(dir, "run", file!);
      assert.equal(run.code, 3, `${file}: ${run.stderr}`);
      assert.equal(oneLine(run.stderr), `scitt-audit: ${file}:${position}: nesting is deeper than 32 levels`);
    }
  });
});

Deno.test("playbook literals JSON cannot carry (1e400, a lone surrogate, deep nesting) stop run --json and run --out, exit 3", async () => {
  const cases: [string, string][] = [
    ["literal 1e400", "a number is too large to represent (not finite)"],
    ['literal "\\ud800"', "a string holds a lone surrogate (not Unicode text)"],
    [`literal ${"[".repeat(64)}${"]".repeat(64)}`, "the value is nested deeper than 32 levels"],
  ];
  for (const [literal, problem] of cases) {
    await withDir(async (dir) => {
      const playbook = await copyDemo(
        dir,
        (y) => y.replace('equals: literal "contoso-ledger"', `equals: '${literal}'`),
      );
      for (const extra of [["--json"], ["--out", `${dir}/out`]]) {
        const run = await cli("run", playbook, ...extra);
        assert.equal(run.exit, 3, `${literal} ${extra}`);
        assert.deepEqual(run.stderr, [
          `scitt-audit: ${playbook}:49:13: invalid literal at measurements[3].equals: ${problem}`.replace(
            `${playbook}:`,
            "demo.yaml:",
          ),
        ]);
      }
    });
  }
  await withDir(async (dir) => {
    const playbook = await copyDemo(
      dir,
      (y) => y.replace("min-svn: 3\n      content-type", "min-svn: 1e400\n      content-type"),
    );
    const run = await cli("run", playbook, "--json");
    assert.equal(run.exit, 3);
    assert.deepEqual(run.stderr, ["scitt-audit: demo.yaml:29:16: the number '1e400' is too large to represent"]);
  });
});

Deno.test("an artifact check that compares a file with itself is refused as meaningless, exit 3", async () => {
  await withDir(async (dir) => {
    const playbook = await copyDemo(
      dir,
      (y) =>
        y.replace(
          "    file: ../mst/artifacts/app.tar\n    equals: statement.app.payload",
          "    file: ../mst/artifacts/app.tar\n    equals: artifact.app.content | sha256",
        ),
    );
    const run = await cli("run", playbook, "-q");
    assert.equal(run.exit, 3);
    assert.equal(run.stderr.length, 1);
    assert.match(
      run.stderr[0]!,
      /^scitt-audit: demo\.yaml:\d+:\d+: artifacts\[0\]\.equals compares artifact 'app' with itself, which proves nothing/,
    );
  });
});

Deno.test("a playbook key file without an issuer stops the run with status 3", async () => {
  await withDir(async (dir) => {
    const playbook = await copyDemo(
      dir,
      (y) => y.replace("    - issuer: ledger.contoso.example\n      keys:", "    - keys:"),
    );
    const run = await cli("run", playbook, "-q");
    assert.equal(run.exit, 3);
    assert.deepEqual(run.stdout, []);
    assert.deepEqual(run.stderr, [
      "scitt-audit: demo.yaml:10:13: ../mst/keys/ledger.contoso.example.jwks.json does not name the issuer its keys belong to; add 'issuer: <host>' to this trust.transparency entry",
    ]);
  });
});

// --- Key files and --keys ----------------------------------------------------------------------------------

Deno.test('a per-issuer key file whose issuer is "" is malformed (exit 3), not an internal error', async () => {
  await withDir(async (dir) => {
    const jwks = JSON.parse(await Deno.readTextFile(CONTOSO_KEYS));
    await Deno.writeTextFile(`${dir}/keys.json`, JSON.stringify({ "": jwks }));
    const run = await cli("verify", STATEMENT, "--keys", `${dir}/keys.json`);
    assert.deepEqual([run.exit, run.stderr], [3, [
      `scitt-audit: Cannot read key set ${dir}/keys.json: an issuer name is empty`,
    ]]);
  });
});

Deno.test("a transparency configuration that yields no keys is an error naming the file, exit 3", async () => {
  const file = `${MST}/keys/ledger.contoso.example.transparency-configuration.cbor`;
  const run = await cli("verify", STATEMENT, "--keys", `ledger.contoso.example=${file}`);
  assert.deepEqual([run.exit, run.stderr], [3, [
    `scitt-audit: ${file}: a transparency configuration names issuer 'ledger.contoso.example' but holds no keys; give that service's /jwks or /.well-known/scitt-keys file with --keys`,
  ]]);
});

Deno.test("verify without --keys is a usage error with the usage line, exit 2", async () => {
  const run = await cli("verify", STATEMENT);
  assert.deepEqual([run.exit, run.stdout, run.stderr], [2, [], [
    "scitt-audit: verify: name the transparency service's keys with --keys ISSUER=FILE; usage: scitt-audit verify <statement or directory>... --keys ISSUER=FILE... [options]",
  ]]);
});

// --- Inputs that are something else --------------------------------------------------------------------------

Deno.test("JSON, PEM and ZIP given where a COSE_Sign1 is expected are named for what they are, exit 3", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/s.json`, '{"payload": "x"}');
    await Deno.writeTextFile(`${dir}/s.pem`, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    await Deno.writeFile(`${dir}/s.zip`, new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]));
    const looks = { "s.json": "JSON text", "s.pem": "PEM text (CERTIFICATE)", "s.zip": "a ZIP archive" };
    for (const [name, look] of Object.entries(looks)) {
      const inspect = await cli("inspect", `${dir}/${name}`);
      assert.deepEqual([inspect.exit, inspect.stderr], [3, [
        `scitt-audit: ${dir}/${name}: this is ${look}, not a COSE_Sign1 (CBOR) or attestation evidence 'inspect' knows`,
      ]]);
      const verify = await cli("verify", `${dir}/${name}`, ...KEYS, "-q");
      assert.equal(verify.exit, 3);
      assert.deepEqual(verify.stdout, [`error    ${name}  ${dir}/${name}: this is ${look}, not a COSE_Sign1 (CBOR)`]);
    }
  });
});

Deno.test("inspect on the text a.b.c and on MAA tokens with impossible base64url or non-UTF-8 headers: exit 3", async () => {
  const b64url = (bytes: Uint8Array) =>
    btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const cases: [string, string][] = [
    ["a.b.c", "Cannot read MAA token header: not valid base64 (1 characters)"],
    ["e30.e30.A", "Cannot read MAA token signature: not valid base64 (1 characters)"],
    ["e30.eyJhIjoxfQAAA.AAAA", "Cannot read MAA token payload: not valid base64 (13 characters)"],
    [`${b64url(new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]))}.e30.AAAA`, "Cannot read MAA token header: not UTF-8 text"],
  ];
  await withDir(async (dir) => {
    for (const [i, [token, message]] of cases.entries()) {
      await Deno.writeTextFile(`${dir}/t${i}.jwt`, token);
      const run = await cli("inspect", `${dir}/t${i}.jwt`);
      assert.deepEqual([run.exit, run.stderr], [3, [`scitt-audit: ${dir}/t${i}.jwt: ${message}`]], token);
      assert.throws(() => decodeMaaToken(token), (e) => e instanceof AuditError && e.code === "MAA_TOKEN_INVALID");
    }
  });
  const certs = [
    [
      '{"keys": [{"kid": "k", "x5c": ["AAAAA"]}]}',
      "Cannot read MAA /certs key 0 certificate: not valid base64 (5 characters)",
    ],
    [new Uint8Array([0x7b, 0xff, 0x7d]), "Cannot read MAA /certs: not UTF-8 text"],
  ] as const;
  for (const [input, message] of certs) {
    assert.throws(
      () => parseMaaCerts(input),
      (e) => e instanceof AuditError && e.code === "MAA_TOKEN_INVALID" && e.message === message,
    );
  }
});

Deno.test("a closed standard output (inspect … | head -1) ends quietly, not as an internal error", async () => {
  const child = new Deno.Command(denoBinary(), {
    args: ["run", "--allow-read", "--no-prompt", MAIN, "inspect", STATEMENT],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
    signal: AbortSignal.timeout(20_000),
  }).spawn();
  // Read nothing: the reader goes away before the command writes, as `head` does after its line.
  await child.stdout.cancel();
  const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
  assert.equal(stderr, "");
  assert.equal(status.code, 0);
});

Deno.test('messages show no control characters, [object Object], "null" or undefined', async () => {
  const { cleanMessage } = await import("../cli/io.ts");
  assert.equal(
    cleanMessage(
      new Error('JWK key type "EC\0" is not supported; curve "null"; Unsupported algorithm [object Object]'),
    ),
    'JWK key type "EC\\u0000" is not supported; curve (none); Unsupported algorithm (a structured value)',
  );
  assert.equal(
    cleanMessage(new Error("Cannot read /dev/null: it is a character device")),
    "Cannot read /dev/null: it is a character device",
  );
});

Deno.test("inspect - reads standard input, with the same size limit", async () => {
  const run = async (...args: string[]) => {
    const child = new Deno.Command(denoBinary(), {
      args: ["run", "--allow-read", "--no-prompt", MAIN, ...args],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(20_000),
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(await Deno.readFile(STATEMENT));
    await writer.close();
    const out = await child.output();
    return {
      code: out.code,
      stdout: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
    };
  };
  const whole = await run("inspect", "-");
  assert.equal(whole.code, 0, whole.stderr);
  assert.match(whole.stdout, /^transparent statement \(tag 18\)/);
  const capped = await run("--max-input-size", "1K", "inspect", "-");
  assert.equal(capped.code, 3);
  assert.equal(
    capped.stderr.trim(),
    "scitt-audit: Cannot read standard input: it is larger than the 1 KiB limit; raise it with --max-input-size",
  );
});
