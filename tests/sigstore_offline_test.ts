/**
 * The Sigstore verifier is offline by construction: the `cli` task's permissions (no network) verify keyless,
 * Rekor v2 + TSA and managed-key bundles in a subprocess, and in process no fetch, socket or DNS call is made.
 * Also the command's usage errors, which say how to bring a trusted root into an air-gapped machine.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { conformanceCorpus, ourVerify, sigstoreJsCorpus } from "../bench/sigstore_bench.ts";
import { cli } from "./_cli.ts";
import { vectorTest } from "./_vectors.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const SUITE = "sigstore-conformance/test/assets/bundle-verify";
const IDENTITY =
  "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER = "https://token.actions.githubusercontent.com";

/** The `cli` task's command line from deno.json, e.g. `deno run --allow-read --allow-write=. --no-prompt cli/main.ts`. */
function cliTask(): string[] {
  const config = JSON.parse(Deno.readTextFileSync(`${REPO}/deno.json`));
  const task = (config.tasks.cli as string).split(/\s+/);
  assert.equal(task[0], "deno");
  assert.ok(!task.some((flag) => flag.startsWith("--allow-net") || flag === "-A" || flag === "--allow-all"));
  return task.slice(1);
}

vectorTest("sigstore verify runs with the cli task's permissions, which grant no network", async (vectors) => {
  const suite = `${vectors}/${SUITE}`;
  const root = `${vectors}/sigstore-trusted-root/public-good-trusted_root.json`;
  const runs = [
    [
      "happy-path-v0.1",
      `--trusted-root`,
      root,
      "--certificate-identity",
      IDENTITY,
      "--certificate-oidc-issuer",
      ISSUER,
    ],
    [
      "rekor2-happy-path",
      "--trusted-root",
      `${suite}/rekor2-happy-path/trusted_root.json`,
      "--certificate-identity",
      IDENTITY,
      "--certificate-oidc-issuer",
      ISSUER,
    ],
    ["managed-key-happy-path", "--trusted-root", root, "--key", `${suite}/managed-key-happy-path/key.pub`],
  ];
  for (const [name, ...options] of runs) {
    const output = await new Deno.Command("deno", {
      args: [
        ...cliTask(),
        "sigstore",
        "verify",
        `${suite}/a.txt`,
        "--bundle",
        `${suite}/${name}/bundle.sigstore.json`,
        ...options!,
        "-q",
      ],
      cwd: REPO,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.deepEqual([name, output.code, new TextDecoder().decode(output.stderr)], [name, 0, ""]);
  }
});

vectorTest("verifying every Sigstore vector makes no fetch, socket or DNS call", async (vectors) => {
  const calls: string[] = [];
  const saved = {
    fetch: globalThis.fetch,
    connect: Deno.connect,
    connectTls: Deno.connectTls,
    resolveDns: Deno.resolveDns,
  };
  const spy = (name: string) => (..._args: unknown[]) => {
    calls.push(name);
    throw new Error(`network call ${name}`);
  };
  Object.assign(globalThis, { fetch: spy("fetch") });
  Object.assign(Deno, { connect: spy("connect"), connectTls: spy("connectTls"), resolveDns: spy("resolveDns") });
  let verified = 0;
  try {
    for (const item of [...conformanceCorpus(vectors), ...sigstoreJsCorpus(vectors)]) {
      if (await ourVerify(item)) verified++;
    }
  } finally {
    Object.assign(globalThis, { fetch: saved.fetch });
    Object.assign(Deno, { connect: saved.connect, connectTls: saved.connectTls, resolveDns: saved.resolveDns });
  }
  assert.deepEqual({ calls, verified }, { calls: [], verified: 30 });
});

Deno.test("sigstore verify without a trusted root is a usage error that says how to bring one in", async () => {
  const run = await cli(
    "sigstore",
    "verify",
    "a.txt",
    "--bundle",
    "b.json",
    "--certificate-identity",
    "x",
    "--certificate-oidc-issuer",
    "y",
  );
  assert.equal(run.exit, 2);
  assert.match(run.stderr[0]!, /--trusted-root FILE is required; there is no built-in root and no network fetch/);
  assert.match(run.stderr[0]!, /trusted_root\.json/);
  const help = await cli("sigstore", "verify", "--help");
  assert.equal(help.exit, 0);
  assert.match(help.stdout[0]!, /no built-in trusted\s+root, no TUF client and no network code path/);
});

Deno.test("sigstore verify refuses contradictory or missing policy options", async () => {
  const base = ["sigstore", "verify", "a.txt", "--bundle", "b.json", "--trusted-root", "r.json"];
  const cases: [string[], RegExp][] = [
    [["--certificate-identity", "x"], /give the expected signer/],
    [
      ["--certificate-identity", "x", "--certificate-identity-regexp", "y", "--certificate-oidc-issuer", "z"],
      /not both/,
    ],
    [["--key", "k.pem", "--certificate-identity", "x"], /give no identity options/],
    [["--certificate-identity-regexp", "(", "--certificate-oidc-issuer", "z"], /is not a regular expression/],
  ];
  for (const [extra, message] of cases) {
    const run = await cli(...base, ...extra);
    assert.equal(run.exit, 2, extra.join(" "));
    assert.match(run.stderr[0]!, message);
  }
  const digest = await cli("sigstore", "verify", "sha256:abc", "--bundle", "b.json", "--key", "k.pem");
  assert.deepEqual([digest.exit, digest.stderr], [2, [
    "scitt-audit: sigstore verify: 'sha256:abc' is not sha256:<64 hex digits>",
  ]]);
  const missing = await cli("sigstore", "verify", "a.txt", "--bundle", "no-such-bundle.json", "--key", "k.pem");
  assert.deepEqual([missing.exit, missing.stderr], [4, [
    "scitt-audit: Cannot read no-such-bundle.json: file not found",
  ]]);
  assert.equal((await cli("sigstore")).exit, 2);
  assert.equal((await cli("sigstore", "sign")).exit, 2);
});

vectorTest(
  "key mode without a trusted root checks the signature and entry bodies and says what it did not check",
  async (vectors) => {
    const dir = `${vectors}/${SUITE}/managed-key-happy-path`;
    const run = await cli(
      "sigstore",
      "verify",
      `${vectors}/${SUITE}/a.txt`,
      "--bundle",
      `${dir}/bundle.sigstore.json`,
      "--key",
      `${dir}/key.pub`,
    );
    assert.equal(run.exit, 0);
    assert.deepEqual(run.stdout, [
      `verified  ${dir}/bundle.sigstore.json  (bundle v0.3, message signature, key)`,
      "  tlog      entry 771488337 hashedrekord/0.0.1: body",
      "  not checked  signing times and transparency log proofs: no trusted root was given",
    ]);
    const wrong = await cli(
      "sigstore",
      "verify",
      `${vectors}/${SUITE}/a.txt`,
      "--bundle",
      `${dir}/bundle.sigstore.json`,
      "--key",
      `${vectors}/${SUITE}/managed-key-wrong-key_fail/key.pub`,
    );
    assert.equal(wrong.exit, 1);
  },
);
