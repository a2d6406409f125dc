/**
 * The command line on bad input: every problem is one line naming the file, with the documented exit status
 * (2 usage, 3 malformed input, 4 missing file) and no stack trace. Inputs are built from the committed fixtures,
 * so these tests do not need `../shared/vectors`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { concat } from "../core/bytes.ts";
import { bstrHeader } from "../core/cbor.ts";
import { decodeCoseSign1 } from "../core/cose/sign1.ts";
import { VERSION } from "../cli/version.ts";
import { cli, denoBinary, type Run } from "./_cli.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const FIXTURES = `${REPO}fixtures/mst/`;
const STATEMENT = `${FIXTURES}statements/release-1.0.cose`;
const UNRECEIPTED = `${FIXTURES}statements/release-1.3.signed.cose`;
const CONTOSO_JWKS = `${FIXTURES}keys/ledger.contoso.example.jwks.json`;
const KEYS = ["--keys", `ledger.contoso.example=${CONTOSO_JWKS}`];

const STACK_LINE = /^\s*at\s/m;

/** Asserts the run printed exactly one line, on `stream`, matching `expected`, and nothing else. */
function assertOneLine(run: Run, stream: "stdout" | "stderr", expected: string | RegExp): void {
  const other = stream === "stdout" ? run.stderr : run.stdout;
  assert.deepEqual(other, [], `nothing on the other stream`);
  assert.equal(run[stream].length, 1, `one line on ${stream}: ${run[stream].join(" | ")}`);
  const line = run[stream][0]!;
  assert.ok(!line.includes("\n") && !STACK_LINE.test(line), `no stack trace: ${line}`);
  if (typeof expected === "string") assert.equal(line, expected);
  else assert.match(line, expected);
}

/** Writes files into a temporary folder inside the repository (`*.tmp` is git-ignored), then removes it. */
async function withFiles(
  files: Readonly<Record<string, Uint8Array | string>>,
  fn: (path: (name: string) => string, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ dir: REPO, prefix: ".cli-test-", suffix: ".tmp" });
  try {
    for (const [name, content] of Object.entries(files)) {
      if (typeof content === "string") await Deno.writeTextFile(`${dir}/${name}`, content);
      else await Deno.writeFile(`${dir}/${name}`, content);
    }
    await fn((name) => `${dir}/${name}`, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The one-line `verify -q` report of a statement that could not be decoded. */
function decodeErrorLine(path: string, message: string): string {
  return `error    ${path.split("/").pop()}  ${path}: ${message}`;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The one-line `verify -q` report of input that ends too early (the offset depends on where it was cut). */
function truncatedLine(path: string): RegExp {
  return new RegExp(
    `^${escapeRegExp(decodeErrorLine(path, "Cannot decode CBOR: unexpected end of input at byte "))}\\d+$`,
  );
}

const bytes = (...values: number[]) => new Uint8Array(values);

/** The signed statement of release 1.3 with `items` (encoded CBOR) as the value of header 394. */
async function withReceipts(items: Uint8Array): Promise<Uint8Array> {
  const signed = decodeCoseSign1(await Deno.readFile(UNRECEIPTED));
  return concat([
    bytes(0xd2, 0x84),
    signed.raw.protected,
    bytes(0xa1, 0x19, 0x01, 0x8a), // {394: items}
    items,
    signed.raw.payload,
    signed.raw.signature,
  ]);
}

/** A one-element receipts array holding `receipt` as a byte string. */
const oneReceipt = (receipt: Uint8Array) => concat([bytes(0x81), bstrHeader(receipt.length), receipt]);
const deepArray = (depth: number) => new Uint8Array([...new Array(depth).fill(0x81), 0x00]);

// --- Malformed and hostile statements ----------------------------------------------------------------------

const MALFORMED: readonly { name: string; content: Uint8Array; message: string }[] = [
  {
    name: "indefinite.cose",
    content: bytes(0xd2, 0x84, 0x5f, 0x41, 0x00, 0xff),
    message: "Cannot decode CBOR: indefinite-length items are not accepted at byte 2",
  },
  {
    name: "reserved.cose",
    content: bytes(0xd2, 0x84, 0x1c),
    message: "Cannot decode CBOR: reserved additional information 28 at byte 2",
  },
  {
    name: "trailing.cose",
    content: bytes(0xd2, 0x84, 0x40, 0xa0, 0x40, 0x40, 0x00),
    message: "Cannot decode CBOR: 1 trailing bytes after the item at byte 6",
  },
];

for (const { name, content, message } of MALFORMED) {
  Deno.test(`verify reports malformed CBOR (${name}) as one line naming the file, exit 3`, async () => {
    await withFiles({ [name]: content }, async (path) => {
      const run = await cli("verify", path(name), ...KEYS, "-q");
      assert.equal(run.exit, 3);
      assertOneLine(run, "stdout", decodeErrorLine(path(name), message));
    });
  });
}

Deno.test("verify reports a statement truncated at any of several lengths as malformed, exit 3", async () => {
  const whole = await Deno.readFile(STATEMENT);
  const lengths = [0, 1, 2, 5, 64, Math.floor(whole.length / 2), whole.length - 1];
  const files = Object.fromEntries(lengths.map((n) => [`cut-${n}.cose`, whole.subarray(0, n)]));
  await withFiles(files, async (path) => {
    for (const n of lengths) {
      const run = await cli("verify", path(`cut-${n}.cose`), ...KEYS, "-q");
      assert.equal(run.exit, 3, `cut at ${n}`);
      assertOneLine(run, "stdout", truncatedLine(path(`cut-${n}.cose`)));
    }
  });
});

const HOSTILE: readonly { name: string; content: Uint8Array; message: string }[] = [
  {
    name: "bstr-2^32.cose",
    content: bytes(0xd2, 0x84, 0x5b, 0, 0, 0, 1, 0, 0, 0, 0, 0xa0, 0x40, 0x40),
    message: "Cannot decode CBOR: unexpected end of input at byte 2",
  },
  {
    name: "array-2^31.cose",
    content: bytes(0xd2, 0x9a, 0x80, 0, 0, 0, 0x40),
    message: "Cannot decode statement: expected a COSE_Sign1 array of 4 items, found 2147483648",
  },
  {
    name: "inner-array-2^31.cose",
    content: bytes(0xd2, 0x84, 0x40, 0xa1, 0x01, 0x9a, 0x80, 0, 0, 0, 0x40, 0x40),
    message: "Cannot decode CBOR: unexpected end of input at byte 5",
  },
  {
    name: "map-2^31.cose",
    content: bytes(0xd2, 0x84, 0x40, 0xba, 0x80, 0, 0, 0, 0x40, 0x40),
    message: "Cannot decode CBOR: unexpected end of input at byte 3",
  },
  {
    name: "nested-1000.cose",
    content: concat([bytes(0xd2, 0x84, 0x40, 0xa1, 0x01), deepArray(1000), bytes(0x40, 0x40)]),
    message: "Cannot decode CBOR: nesting deeper than 16 at byte 21",
  },
];

for (const { name, content, message } of HOSTILE) {
  Deno.test(`verify refuses a hostile length or depth (${name}) as one line naming the file, exit 3`, async () => {
    await withFiles({ [name]: content }, async (path) => {
      const run = await cli("verify", path(name), ...KEYS, "-q");
      assert.equal(run.exit, 3);
      assertOneLine(run, "stdout", decodeErrorLine(path(name), message));
    });
  });
}

Deno.test("verify reports hostile receipts inside header 394 as malformed input (exit 3), naming file and receipt", async () => {
  const cases: Record<string, { items: Uint8Array; lines: string[] }> = {
    "receipts-not-array.cose": {
      items: bytes(0x01),
      lines: ["invalid  receipts-not-array.cose  Embedded receipts must be a CBOR array."],
    },
    "receipt-not-bstr.cose": {
      items: bytes(0x81, 0x01),
      lines: ["invalid  receipt-not-bstr.cose  Receipt at index 0 must be a byte string."],
    },
    "receipt-nested-1000.cose": {
      // tag 18 [h'', {396: [[[...1000 deep...]]]}, nil, h'']
      items: oneReceipt(concat([bytes(0xd2, 0x84, 0x40, 0xa1, 0x19, 0x01, 0x8c), deepArray(1000), bytes(0xf6, 0x40)])),
      lines: [
        "invalid  receipt-nested-1000.cose  Cannot decode receipt 0: nesting deeper than 16 at byte 23",
        "  receipt 0  invalid  __unknown-issuer::0    Cannot decode receipt 0: nesting deeper than 16 at byte 23",
      ],
    },
    "receipt-proofs-2^31.cose": {
      // tag 18 [h'', {396: {-1: array claiming 2^31 proofs}}, nil, h'']
      items: oneReceipt(bytes(0xd2, 0x84, 0x40, 0xa1, 0x19, 0x01, 0x8c, 0xa1, 0x20, 0x9a, 0x80, 0, 0, 0, 0xf6, 0x40)),
      lines: [
        "invalid  receipt-proofs-2^31.cose  Cannot decode receipt 0: unexpected end of input at byte 9",
        "  receipt 0  invalid  __unknown-issuer::0    Cannot decode receipt 0: unexpected end of input at byte 9",
      ],
    },
  };
  const files: Record<string, Uint8Array> = {};
  for (const [name, { items }] of Object.entries(cases)) files[name] = await withReceipts(items);
  await withFiles(files, async (path) => {
    for (const [name, { lines }] of Object.entries(cases)) {
      const run = await cli("verify", path(name), ...KEYS, "-q");
      assert.equal(run.exit, 3, name);
      assert.deepEqual(run.stderr, []);
      assert.deepEqual(run.stdout, lines);
    }
  });
});

Deno.test("verify refuses a receipt byte string or receipts array whose length exceeds the input, exit 3", async () => {
  const files = {
    "receipt-bstr-2^32.cose": await withReceipts(bytes(0x81, 0x5b, 0, 0, 0, 1, 0, 0, 0, 0)),
    "receipts-2^31.cose": await withReceipts(bytes(0x9a, 0x80, 0, 0, 0)),
  };
  await withFiles(files, async (path) => {
    for (const name of Object.keys(files)) {
      const run = await cli("verify", path(name), ...KEYS, "-q");
      assert.equal(run.exit, 3, name);
      assertOneLine(run, "stdout", truncatedLine(path(name)));
    }
  });
});

const NOT_COSE: readonly { name: string; content: Uint8Array; message: string }[] = [
  { name: "map.cbor", content: bytes(0xa1, 0x01, 0x02), message: "expected a COSE_Sign1 array, found a map" },
  { name: "int.cbor", content: bytes(0x01), message: "expected a COSE_Sign1 array, found an unsigned integer" },
  {
    name: "text.txt",
    content: new TextEncoder().encode("hello\n"),
    message: "expected a COSE_Sign1 array, found a text string",
  },
  {
    name: "three-items.cbor",
    content: bytes(0xd2, 0x83, 0x40, 0xa0, 0x40),
    message: "expected a COSE_Sign1 array of 4 items, found 3",
  },
  {
    name: "tag-17.cbor",
    content: bytes(0xd1, 0x84, 0x40, 0xa0, 0x40, 0x40),
    message: "expected tag 18 (COSE_Sign1), found tag 17",
  },
  {
    name: "protected-not-bstr.cbor",
    content: bytes(0xd2, 0x84, 0xa0, 0xa0, 0x40, 0x40),
    message: "protected header must be a byte string, found a map",
  },
];

for (const { name, content, message } of NOT_COSE) {
  Deno.test(`verify reports well-formed CBOR that is not a COSE_Sign1 (${name}) in one line, exit 3`, async () => {
    await withFiles({ [name]: content }, async (path) => {
      const run = await cli("verify", path(name), ...KEYS, "-q");
      assert.equal(run.exit, 3);
      assertOneLine(run, "stdout", decodeErrorLine(path(name), `Cannot decode statement: ${message}`));
    });
  });
}

Deno.test("verify refuses a directory that holds no statement files as a usage error, exit 2", async () => {
  await withFiles({ "notes.txt": "not a statement\n" }, async (_path, dir) => {
    const run = await cli("verify", dir, ...KEYS, "-q");
    assert.equal(run.exit, 2);
    assertOneLine(run, "stderr", `scitt-audit: verify: ${dir} holds no .cose or .scitt files`);
  });
});

Deno.test("verify names a malformed statement found in a directory by its path, exit 3", async () => {
  await withFiles({ "broken.cose": HOSTILE[0]!.content }, async (path, dir) => {
    const run = await cli("verify", dir, ...KEYS, "-q");
    assert.equal(run.exit, 3);
    assertOneLine(run, "stdout", decodeErrorLine(path("broken.cose"), HOSTILE[0]!.message));
  });
});

Deno.test("inspect reports malformed and truncated input in one line on stderr, exit 3", async () => {
  const whole = await Deno.readFile(STATEMENT);
  await withFiles({ "cut.cose": whole.subarray(0, 100), "nested.cose": HOSTILE[4]!.content }, async (path) => {
    const cut = await cli("inspect", path("cut.cose"));
    assert.equal(cut.exit, 3);
    assertOneLine(
      cut,
      "stderr",
      new RegExp(
        `^${
          escapeRegExp(`scitt-audit: ${path("cut.cose")}: Cannot decode CBOR: unexpected end of input at byte `)
        }\\d+$`,
      ),
    );
    const nested = await cli("inspect", path("nested.cose"), "--json");
    assert.equal(nested.exit, 3);
    assertOneLine(
      nested,
      "stderr",
      `scitt-audit: ${path("nested.cose")}: Cannot decode CBOR: nesting deeper than 16 at byte 21`,
    );
  });
});

// --- Keys ----------------------------------------------------------------------------------------------------

Deno.test("verify refuses a key file with a private JWK member, naming the file, exit 3", async () => {
  const jwks = JSON.parse(await Deno.readTextFile(CONTOSO_JWKS));
  jwks.keys[0].d = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  await withFiles({ "private.jwks.json": JSON.stringify(jwks) }, async (path) => {
    const file = path("private.jwks.json");
    const run = await cli("verify", STATEMENT, "--keys", `ledger.contoso.example=${file}`);
    assert.equal(run.exit, 3);
    assertOneLine(
      run,
      "stderr",
      `scitt-audit: ${file}: Cannot import public key: the JWK carries private members (d); supply the public key only`,
    );
  });
});

Deno.test("verify asks for ISSUER=FILE when a key file does not name its issuer, exit 2", async () => {
  const run = await cli("verify", STATEMENT, "--keys", CONTOSO_JWKS);
  assert.equal(run.exit, 2);
  assertOneLine(
    run,
    "stderr",
    `scitt-audit: Key set ${CONTOSO_JWKS} (jwks) does not name its issuer: give it as ISSUER=${CONTOSO_JWKS}`,
  );
});

Deno.test("verify reports a key file that is not JSON or CBOR in one line naming it, exit 3", async () => {
  await withFiles({ "broken.json": '{"keys": [' }, async (path) => {
    const file = path("broken.json");
    const run = await cli("verify", STATEMENT, "--keys", `ledger.contoso.example=${file}`);
    assert.equal(run.exit, 3);
    assertOneLine(
      run,
      "stderr",
      new RegExp(`^${escapeRegExp(`scitt-audit: Cannot read key set ${file}: invalid JSON (`)}.+\\)$`),
    );
  });
});

// --- Missing files -------------------------------------------------------------------------------------------

Deno.test("verify reports a missing statement in one line, exit 4", async () => {
  await withFiles({}, async (path) => {
    const file = path("absent.cose");
    const run = await cli("verify", file, ...KEYS, "-q");
    assert.equal(run.exit, 4);
    assertOneLine(run, "stdout", `missing  absent.cose  Cannot read ${file}: file not found`);
  });
});

Deno.test("verify exits 4 when one of two statements is missing, after reporting the other valid", async () => {
  await withFiles({}, async (path) => {
    const run = await cli("verify", STATEMENT, path("absent.cose"), ...KEYS, "--json");
    assert.equal(run.exit, 4);
    const [first, second, summary] = run.stdout.map((line) => JSON.parse(line));
    assert.deepEqual([first.valid, second.valid, summary.summary.exit], [true, false, 4]);
    assert.deepEqual(second.error, {
      code: "FILE_NOT_FOUND",
      message: `Cannot read ${path("absent.cose")}: file not found`,
    });
  });
});

Deno.test("verify reports a missing key file in one line on stderr, exit 4", async () => {
  await withFiles({}, async (path) => {
    const file = path("absent.jwks.json");
    const run = await cli("verify", STATEMENT, "--keys", `ledger.contoso.example=${file}`);
    assert.equal(run.exit, 4);
    assertOneLine(run, "stderr", `scitt-audit: Cannot read ${file}: file not found`);
  });
});

Deno.test("inspect and didx509 report missing files in one line, exit 4", async () => {
  await withFiles({}, async (path) => {
    const inspect = await cli("inspect", path("absent.cose"));
    assert.equal(inspect.exit, 4);
    assertOneLine(inspect, "stderr", `scitt-audit: Cannot read ${path("absent.cose")}: file not found`);
    const didx509 = await cli("didx509", "did:x509:0:sha256:AAAA::eku:1.2.3", path("absent.pem"));
    assert.equal(didx509.exit, 4);
    assertOneLine(didx509, "stderr", `scitt-audit: Cannot read ${path("absent.pem")}: file not found`);
  });
});

Deno.test("didx509 reports a chain file that is neither PEM nor DER in one line, exit 3", async () => {
  await withFiles({ "chain.txt": "not a certificate\n" }, async (path) => {
    const run = await cli("didx509", "did:x509:0:sha256:AAAA::eku:1.2.3", path("chain.txt"));
    assert.equal(run.exit, 3);
    assertOneLine(
      run,
      "stderr",
      `scitt-audit: ${
        path("chain.txt")
      }: Cannot parse certificate: no "-----BEGIN CERTIFICATE-----" block found (input is neither DER nor PEM)`,
    );
  });
});

// --- Usage -----------------------------------------------------------------------------------------------------

const USAGE: readonly { args: string[]; message: string }[] = [
  {
    args: ["verify", STATEMENT, ...KEYS, "--bogus"],
    message: "verify: Unknown option '--bogus'; see 'scitt-audit verify --help'",
  },
  {
    args: ["verify", STATEMENT, ...KEYS, "--authorized-receipt-behavior", "Sometimes"],
    message:
      "--authorized-receipt-behavior must be one of VerifyAnyMatching, VerifyAllMatching, RequireAll; found 'Sometimes'",
  },
  {
    args: ["verify", STATEMENT, ...KEYS, "--unauthorized-receipt-behavior", "Never"],
    message: "--unauthorized-receipt-behavior must be one of VerifyAll, IgnoreAll, FailIfPresent; found 'Never'",
  },
  {
    args: ["verify", STATEMENT, "--keys"],
    message: "verify: Option '--keys <value>' argument missing; see 'scitt-audit verify --help'",
  },
  { args: ["verify", ...KEYS], message: "verify: name at least one statement file; see 'scitt-audit verify --help'" },
  { args: ["verify", STATEMENT, ...KEYS, "-q", "-v"], message: "verify: --verbose and --quiet cannot be combined" },
  { args: ["verify", STATEMENT, "--keys", "=keys.json"], message: "--keys =keys.json: expected ISSUER=FILE or FILE" },
  {
    args: ["inspect", STATEMENT, STATEMENT],
    message: "inspect: name exactly one file; see 'scitt-audit inspect --help'",
  },
  {
    args: ["didx509", "did:x509:0:sha256:AAAA::eku:1.2.3"],
    message: "didx509: expected <did> <chain-file>; see 'scitt-audit didx509 --help'",
  },
];

for (const { args, message } of USAGE) {
  Deno.test(`scitt-audit ${args.map((a) => a.replace(REPO, "")).join(" ")} is a usage error in one line, exit 2`, async () => {
    const run = await cli(...args);
    assert.equal(run.exit, 2);
    assertOneLine(run, "stderr", `scitt-audit: ${message}`);
  });
}

Deno.test("scitt-audit frobnicate is a usage error naming the known commands, exit 2", async () => {
  const run = await cli("frobnicate");
  assert.equal(run.exit, 2);
  assertOneLine(
    run,
    "stderr",
    /^scitt-audit: unknown command 'frobnicate'; commands: (?=.*\bverify\b)(?=.*\binspect\b)(?=.*\bdidx509\b)[a-z0-9]+(, [a-z0-9]+)*$/,
  );
});

Deno.test("verify accepts behaviour names in any letter case", async () => {
  const run = await cli("verify", STATEMENT, ...KEYS, "--unauthorized-receipt-behavior", "ignoreall", "-q");
  assert.equal(run.exit, 0);
  assert.deepEqual(run.stdout, []);
  assert.deepEqual(run.stderr, []);
});

/** The command names listed under "Commands:" in the top-level help. */
function listedCommands(help: string): string[] {
  const section = help.split("\nCommands:\n")[1]!.split("\n\n")[0]!;
  return section.split("\n").map((line) => /^ {2}([a-z0-9]+) +\S/.exec(line)![1]!);
}

Deno.test("scitt-audit --help lists verify, inspect and didx509 and exits 0; no arguments prints the same and exits 2", async () => {
  const help = await cli("--help");
  assert.equal(help.exit, 0);
  assert.deepEqual(help.stderr, []);
  assert.equal(help.stdout.length, 1);
  const commands = listedCommands(help.stdout[0]!);
  for (const command of ["verify", "inspect", "didx509"]) assert.ok(commands.includes(command), command);
  const bare = await cli();
  assert.equal(bare.exit, 2);
  assert.deepEqual(bare.stdout, help.stdout);
});

Deno.test("every command listed by --help prints its usage for --help and -h and exits 0", async () => {
  const commands = listedCommands((await cli("--help")).stdout[0]!);
  for (const command of commands) {
    for (const flag of ["--help", "-h"]) {
      const run = await cli(command, flag);
      assert.equal(run.exit, 0, `${command} ${flag}`);
      assert.deepEqual(run.stderr, []);
      assert.equal(run.stdout.length, 1);
      assert.ok(run.stdout[0]!.startsWith(`Usage: scitt-audit ${command} `), run.stdout[0]);
      assert.match(run.stdout[0]!, /\nExit status: 0 /, `${command} ${flag} documents its exit statuses`);
    }
  }
});

Deno.test("scitt-audit --version and -V print the version of deno.json and exit 0", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${REPO}deno.json`));
  assert.equal(VERSION, config.version);
  for (const flag of ["--version", "-V"]) {
    const run = await cli(flag);
    assert.equal(run.exit, 0);
    assertOneLine(run, "stdout", `scitt-audit ${config.version}`);
  }
});

// --- As a process ----------------------------------------------------------------------------------------------

Deno.test("scitt-audit as a process exits 4 for a missing statement and 3 for a malformed one, without a stack trace", async () => {
  const run = async (file: string) => {
    const { code, stdout, stderr } = await new Deno.Command(denoBinary(), {
      args: ["run", "--allow-read", "--no-prompt", "cli/main.ts", "verify", file],
      cwd: REPO,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decoder = new TextDecoder();
    return { code, stdout: decoder.decode(stdout).trimEnd().split("\n"), stderr: decoder.decode(stderr) };
  };
  const noKeys = "authorized domains: (none) (every issuer with keys; set --authorized-domains to choose)";
  await withFiles({ "malformed.cose": HOSTILE[0]!.content }, async (path) => {
    const missing = await run(path("absent.cose"));
    assert.equal(missing.stderr, "");
    assert.deepEqual(missing.stdout, [
      noKeys,
      `missing  absent.cose  Cannot read ${path("absent.cose")}: file not found`,
    ]);
    assert.equal(missing.code, 4);
    const malformed = await run(path("malformed.cose"));
    assert.equal(malformed.stderr, "");
    assert.deepEqual(malformed.stdout, [noKeys, decodeErrorLine(path("malformed.cose"), HOSTILE[0]!.message)]);
    assert.equal(malformed.code, 3);
  });
});
