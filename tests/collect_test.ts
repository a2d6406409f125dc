/**
 * `scitt-audit collect` against a local TLS service (tests/_collect_server.ts) that replays genuine responses and
 * misbehaves on purpose: end to end collect → bundle list → run offline, and every misbehaviour either recovered
 * from or turned into its one clear line, with no bundle left behind. Also: the other commands, under their
 * task's permissions, cannot open a connection.
 *
 * @module
 */

import { addEntries, newLedger } from "./_ledger.ts";
import { dirname } from "node:path";
import { fromBase64, fromUtf8, toHex, utf8 } from "../core/bytes.ts";
import { readBundle } from "../core/bundle/mod.ts";
import { readProvenance } from "../core/collect/provenance.ts";
import { sha256 } from "../core/crypto/digest.ts";
import { canonicalJson } from "../core/report/canonical_json.ts";
import { memoryIo } from "../cli/io.ts";
import { runCli } from "../cli/main.ts";
import { cli, type Run } from "./_cli.ts";
import { encodeCbor } from "../fixtures/_gen/cbor.ts";
import {
  brokenBody,
  generateServiceTls,
  problemResponse,
  reprDigest,
  type ServiceContent,
  TestService,
} from "./_collect_server.ts";
import { vectorTest } from "./_vectors.ts";
import { assert, assertEquals } from "./_assert.ts";

const REPO = new URL("../", import.meta.url).pathname;
const CONTOSO = "ledger.contoso.example";
const AT = "2026-11-01T00:00:00Z";

function fixture(path: string): Uint8Array {
  return Deno.readFileSync(`${REPO}fixtures/mst/${path}`);
}

/** The contoso service of the project's fixtures: four entries, listed two a page. */
function contoso(): ServiceContent {
  return {
    issuer: CONTOSO,
    jwks: fixture(`keys/${CONTOSO}.jwks.json`),
    scittKeys: fixture(`keys/${CONTOSO}.scitt-keys.cbor`),
    statements: ["release-1.0", "release-1.1", "app.tar", "deployment-1.2"].map((n) => fixture(`statements/${n}.cose`)),
    pageSize: 2,
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

interface Fixture {
  readonly service: TestService;
  readonly dir: string;
  readonly pin: string;
  collect(out: string, ...args: string[]): Promise<Run>;
}

async function withService(content: ServiceContent, fn: (f: Fixture) => Promise<void>): Promise<void> {
  const service = await TestService.start(content);
  const dir = await Deno.makeTempDir({ prefix: "scitt-audit-collect-" });
  const pin = `${dir}/service-cert.pem`;
  await Deno.writeTextFile(pin, service.tls.servicePem);
  try {
    await fn({
      service,
      dir,
      pin,
      collect: (out, ...args) =>
        cli(
          "collect",
          "--service",
          service.url,
          "--service-cert",
          pin,
          "--out",
          `${dir}/${out}`,
          "--backoff",
          "0.05",
          ...args,
        ),
    });
  } finally {
    await service.close();
    await Deno.remove(dir, { recursive: true });
  }
}

async function bundleMembers(path: string): Promise<Map<string, Uint8Array>> {
  return new Map((await readBundle(await Deno.readFile(path))).files);
}

Deno.test("collect --help names every endpoint it calls and why", async () => {
  const help = await cli("collect", "--help");
  assertEquals(help.exit, 0, "exit");
  const text = help.stdout.join("\n");
  for (
    const path of [
      "/.well-known/transparency-configuration",
      "/jwks",
      "/.well-known/scitt-keys",
      "/node/network",
      "/node/service/previous_identity",
      "/configuration",
      "/version",
      "/entries/txIds?from={seqno}&to={seqno}",
      "/entries/{txid}/statement",
      "/entries/{txid}",
      "/node/quotes/self",
      "/node/quotes",
      "/node/attestations",
      "/gov/service/join-policy?api-version=2024-07-01",
      "/node/ledger-chunk?since={seqno}",
    ]
  ) {
    assert(text.includes(`  GET ${path}`), `--help does not list ${path}`);
  }
  assert(text.includes("every service key, current and historical"), "--help does not say why /jwks is called");
  const main = await cli("--help");
  assert(main.stdout.join("\n").includes("  collect "), "scitt-audit --help does not list collect");
});

Deno.test("collect: the end to end path, unpinned refusal → pin → bundle list → run offline, byte-identical twice", async () => {
  await withService(contoso(), async ({ service, dir }) => {
    // Without a pin: nothing fetched, the certificate to pin saved and its exact option printed.
    const refused = await cli(
      "collect",
      "--service",
      service.url,
      "--from",
      "1",
      "--to",
      "100",
      "--out",
      `${dir}/a.bundle`,
    );
    assertEquals(refused.exit, 2, "unpinned exit");
    assertEquals(refused.stderr.length, 1, "one line");
    const serviceSha = toHex(await sha256(service.tls.serviceDer));
    const colon = (hex: string) => hex.toUpperCase().match(/../g)!.join(":");
    assert(refused.stderr[0]!.includes(`SHA-256 ${colon(await service.nodeCertificateSha256())}`), refused.stderr[0]!);
    assert(
      refused.stderr[0]!.includes(`(SHA-256 ${colon(serviceSha)}), saved to ${dir}/a.bundle.service-cert.pem`),
      refused.stderr[0]!,
    );
    assert(
      refused.stderr[0]!.endsWith(`re-run with --service-cert ${dir}/a.bundle.service-cert.pem`),
      refused.stderr[0]!,
    );
    assertEquals(service.requests, [], "requests made without a pin");
    assert(!(await exists(`${dir}/a.bundle`)), "a bundle was written without a pin");

    const pinned = await cli(
      "collect",
      "--service",
      service.url,
      "--service-cert",
      `${dir}/a.bundle.service-cert.pem`,
      "--from",
      "1",
      "--to",
      "100",
      "--out",
      `${dir}/a.bundle`,
      "--at",
      AT,
    );
    assertEquals(pinned.stderr, [], "stderr");
    assertEquals(pinned.exit, 0, "exit");
    assert(
      pinned.stdout[0]!.startsWith(`Collected 4 entries from ${CONTOSO} into ${dir}/a.bundle (18 files,`),
      pinned.stdout[0]!,
    );
    assertEquals(
      service.requests.filter((r) => r.startsWith("/entries/txIds")),
      ["/entries/txIds?from=1&to=100", "/entries/txIds?from=47&to=100"],
      "pages followed through nextLink",
    );

    const listed = await cli("bundle", "list", `${dir}/a.bundle`);
    assertEquals(listed.exit, 0, "bundle list exit");
    assert(listed.stdout[0]!.endsWith("playbook playbook.yaml, 18 files, every SHA-256 verified"), listed.stdout[0]!);

    const ran = await cli("run", `${dir}/a.bundle`, "--json");
    assertEquals(ran.exit, 0, "run exit");
    const report = JSON.parse(ran.stdout[0]!);
    assertEquals(report.verdict, "pass", "verdict");
    assertEquals(report.summary, { fail: 0, pass: 45, skip: 0, warn: 0 }, "summary: 28 checks and 17 of provenance");
    const came = report.findings.find((f: { id: string }) => f.id === "provenance.0.entries/2.37.statement.cose");
    assert(
      came?.status === "pass" &&
        came.message.startsWith(
          `entries/2.37.statement.cose came from ${service.url}entries/2.37/statement (HTTP 200, application/cose, ${AT}, TLS certificate SHA-256 `,
        ),
      `the report does not say where the statement came from: ${JSON.stringify(came)}`,
    );

    // The provenance of every member: URL, status, content type, digest, the certificate seen.
    const members = await bundleMembers(`${dir}/a.bundle`);
    const provenance = readProvenance(members.get("provenance.json")!);
    assertEquals(provenance.files.length, members.size - 2, "one record per fetched file");
    const statement = provenance.files.find((f) => f.path === "entries/2.37.statement.cose")!;
    assertEquals(
      canonicalJson(statement as never),
      canonicalJson({
        path: "entries/2.37.statement.cose",
        url: `${service.url}entries/2.37/statement`,
        requestedAt: AT,
        status: 200,
        contentType: "application/cose",
        sha256: toHex(await sha256(members.get("entries/2.37.statement.cose")!)),
        size: 3026,
        tlsCertificateSha256: await service.nodeCertificateSha256(),
      }),
      "provenance record",
    );
    assertEquals(provenance.tls.pinnedSha256, [serviceSha], "pinned certificate");
    assertEquals(provenance.notOffered.map((n) => n.split(":")[0]), ["/node/service/previous_identity"], "left out");
    const playbook = fromUtf8(members.get("playbook.yaml")!);
    assert(playbook.includes(`# TODO(auditor): subject: "contoso-ledger"   (as claimed)`), "TODO comments");
    assert(!(await exists(`${dir}/a.bundle.parts`)), "the parts folder was not removed");

    // Unpacked and changed after collection, a file no longer matches its provenance.
    for (const [path, bytes] of members) {
      await Deno.mkdir(dirname(`${dir}/unpacked/${path}`), { recursive: true });
      await Deno.writeFile(`${dir}/unpacked/${path}`, bytes);
    }
    await Deno.writeTextFile(`${dir}/unpacked/service/version.json`, `{"scitt_version":"changed"}`);
    const changed = await cli("run", `${dir}/unpacked/playbook.yaml`, "-q");
    assertEquals(changed.exit, 1, "run exit over a changed file");
    assert(
      changed.stdout[0]!.startsWith(
        "FAIL  provenance.0.service/version.json  service/version.json is not the file fetched from",
      ) && changed.stdout[0]!.endsWith("[COLLECT_EVIDENCE_MISMATCH]"),
      changed.stdout[0]!,
    );

    // Same responses, same bytes.
    const again = await cli(
      "collect",
      "--service",
      service.url,
      "--service-cert",
      `${dir}/a.bundle.service-cert.pem`,
      "--from",
      "1",
      "--to",
      "100",
      "--out",
      `${dir}/b.bundle`,
      "--at",
      AT,
      "--json",
    );
    assertEquals(again.exit, 0, "second collect exit");
    const first = await Deno.readFile(`${dir}/a.bundle`);
    const second = await Deno.readFile(`${dir}/b.bundle`);
    assertEquals(toHex(await sha256(second)), toHex(await sha256(first)), "bundle SHA-256");
  });
});

Deno.test("collect recovers from 429, indexing 503, pending entries and a dropped connection: same bundle as a clean run", async () => {
  await withService(contoso(), async ({ service, dir, collect }) => {
    const clean = await collect("clean.bundle", "--from", "1", "--to", "100", "--at", AT);
    assertEquals(clean.exit, 0, "clean exit");
    service.reset();
    const statement = service.entries.get("2.47")!;
    service.once("/jwks", () => new Response("slow down", { status: 429, headers: { "retry-after": "0" } }));
    service.once(
      "/entries/txIds",
      () => problemResponse(503, "IndexingInProgressRetryLater", "Indexing is in progress", { "retry-after": "0" }),
    );
    service.once(
      "/entries/2.43",
      () => problemResponse(503, "TransactionNotCached", "Entry is pending", { "retry-after": "0" }),
    );
    service.once("/entries/2.47/statement", () => brokenBody(statement, 100, "application/cose"));
    service.once("/node/network", () => new Response("bad gateway", { status: 502 }));
    const messy = await collect("messy.bundle", "--from", "1", "--to", "100", "--at", AT);
    assertEquals(messy.exit, 0, `exit (${messy.stderr.join(" | ")})`);
    const url = service.url;
    assertEquals(messy.stderr, [
      `GET ${url}jwks: HTTP 429 Too Many Requests; retrying in 0 s`,
      `GET ${url}node/network: HTTP 502 Bad Gateway; retrying in 0.05 s`,
      `GET ${url}entries/txIds?from=1&to=100: HTTP 503 Service Unavailable: IndexingInProgressRetryLater: Indexing is in progress; retrying in 0 s`,
      `GET ${url}entries/2.43: HTTP 503 Service Unavailable: TransactionNotCached: Entry is pending; retrying in 0 s`,
      messy.stderr[4]!,
    ], "retry lines");
    assert(
      messy.stderr[4]!.startsWith(`GET ${url}entries/2.47/statement: the connection broke while reading the body: `) &&
        messy.stderr[4]!.endsWith("; retrying in 0.05 s"),
      messy.stderr[4]!,
    );
    const a = await Deno.readFile(`${dir}/clean.bundle`);
    const b = await Deno.readFile(`${dir}/messy.bundle`);
    assertEquals(toHex(await sha256(b)), toHex(await sha256(a)), "bundle after recovering");
  });
});

Deno.test("collect --api-version 2026-03-26 accepts the new content types and waits out a 302 pending entry", async () => {
  await withService(contoso(), async ({ service, dir, collect }) => {
    service.once(
      "/entries/2.61/statement",
      (_r, u) => new Response(null, { status: 302, headers: { location: u.pathname + u.search, "retry-after": "0" } }),
    );
    const result = await collect(
      "new.bundle",
      "--entry",
      "2.61",
      "--entry",
      "2.37",
      "--api-version",
      "2026-03-26",
      "--at",
      AT,
    );
    assertEquals(result.stderr, [
      `GET ${service.url}entries/2.61/statement?api-version=2026-03-26: HTTP 302 Found: the entry is pending; retrying in 0 s`,
    ], "stderr");
    assertEquals(result.exit, 0, "exit");
    const provenance = readProvenance((await bundleMembers(`${dir}/new.bundle`)).get("provenance.json")!);
    const types = Object.fromEntries(
      provenance.files.filter((f) => f.path.startsWith("entries/")).map((f) => [f.path, f.contentType]),
    );
    assertEquals(types, {
      "entries/2.37.receipt.cose": "application/scitt-receipt+cose",
      "entries/2.37.statement.cose": "application/scitt-statement+cose",
      "entries/2.61.receipt.cose": "application/scitt-receipt+cose",
      "entries/2.61.statement.cose": "application/scitt-statement+cose",
    }, "content types");
    const ran = await cli("run", `${dir}/new.bundle`, "-q");
    assertEquals(ran.exit, 0, `run exit: ${ran.stdout.join(" | ")}`);
  });
});

Deno.test("collect turns each misbehaviour into one clear line and leaves no bundle", async () => {
  await withService(contoso(), async ({ service, dir, collect }) => {
    const url = service.url;
    const big = new Uint8Array(5000);
    const cases: {
      name: string;
      setup: () => void;
      args: string[];
      exit: number;
      message: string;
    }[] = [
      {
        name: "an oversized body",
        setup: () =>
          service.once("/jwks", () => new Response(big, { headers: { "content-type": "application/json" } })),
        args: ["--max-size", "4096"],
        exit: 3,
        message: `GET ${url}jwks: HTTP 200 OK: the body is 5000 bytes, more than the limit of 4096 (--max-size)`,
      },
      {
        name: "a wrong content type",
        setup: () =>
          service.once(
            "/entries/2.37/statement",
            () => new Response("<html>", { headers: { "content-type": "text/html; charset=utf-8" } }),
          ),
        args: [],
        exit: 3,
        message:
          `GET ${url}entries/2.37/statement: HTTP 200 OK: content type 'text/html' is not 'application/cose' or 'application/scitt-statement+cose'`,
      },
      {
        name: "a redirect to another host",
        setup: () => service.once("/jwks", () => Response.redirect(`https://localhost:${service.port}/jwks`, 302)),
        args: [],
        exit: 3,
        message: `Refusing the redirect from ${url}jwks to https://localhost:${service.port}/jwks: only ${
          url.slice(0, -1)
        } is contacted`,
      },
      {
        name: "an entry the service does not know (problem details)",
        setup: () => {},
        args: ["--entry", "2.99"],
        exit: 4,
        message:
          `GET ${url}entries/2.99/statement: HTTP 404 Not Found: TransactionNotFound: Transaction 2.99 not found`,
      },
      {
        name: "indexing that never ends",
        setup: () =>
          service.always(
            "/entries/txIds",
            () => problemResponse(503, "IndexingInProgressRetryLater", "Indexing", { "retry-after": "0" }),
          ),
        args: ["--from", "1", "--to", "9", "--retries", "1"],
        exit: 4,
        message:
          `GET ${url}entries/txIds?from=1&to=9: HTTP 503 Service Unavailable: IndexingInProgressRetryLater: Indexing (after 2 attempts)`,
      },
      {
        name: "a Retry-After longer than --max-wait",
        setup: () =>
          service.once("/jwks", () => new Response(null, { status: 429, headers: { "retry-after": "120" } })),
        args: ["--max-wait", "1"],
        exit: 4,
        message:
          `GET ${url}jwks: HTTP 429 Too Many Requests; the server asks to retry after 120 s, more than --max-wait 1 s`,
      },
      {
        name: "a connection that always drops mid-body",
        setup: () => service.always("/entries/2.37", () => brokenBody(new Uint8Array(400), 10, "application/cose")),
        args: ["--retries", "0"],
        exit: 4,
        message: `GET ${url}entries/2.37: the connection broke while reading the body: `,
      },
      {
        name: "a server that does not answer in time",
        setup: () => service.always("/version", () => service.hang()),
        args: ["--timeout", "0.3", "--retries", "0"],
        exit: 4,
        message: `GET ${url}version: no answer within 0.3 s (--timeout)`,
      },
      {
        name: "a statement whose receipt is for another entry",
        setup: () =>
          service.once(
            "/entries/2.37/statement",
            () =>
              new Response(new Uint8Array(service.entries.get("2.43")!), {
                headers: { "content-type": "application/cose" },
              }),
          ),
        args: [],
        exit: 3,
        message: `Entry 2.37: the statement's receipt from '${CONTOSO}' is for entry 2.43`,
      },
    ];
    for (const [i, c] of cases.entries()) {
      service.reset();
      c.setup();
      const out = `case-${i}.bundle`;
      const result = await collect(
        out,
        ...(c.args.some((a) => a === "--entry" || a === "--from") ? [] : ["--entry", "2.37"]),
        ...c.args,
      );
      assertEquals(result.exit, c.exit, `${c.name}: exit (${result.stderr.join(" | ")})`);
      const last = result.stderr.at(-1) ?? "";
      assert(
        last.startsWith(`scitt-audit: ${c.message}`),
        `${c.name}: expected 'scitt-audit: ${c.message}', found '${last}'`,
      );
      assert(!(await exists(`${dir}/${out}`)), `${c.name}: a bundle was written`);
    }
  });
});

Deno.test("collect refuses a server whose certificate the pin did not issue", async () => {
  await withService(contoso(), async ({ service, dir }) => {
    const other = await generateServiceTls();
    await Deno.writeTextFile(`${dir}/other.pem`, other.servicePem);
    const result = await cli(
      "collect",
      "--service",
      service.url,
      "--ca",
      `${dir}/other.pem`,
      "--entry",
      "2.37",
      "--out",
      `${dir}/x.bundle`,
    );
    assertEquals(result.exit, 4, "exit");
    assertEquals(result.stderr, [
      `scitt-audit: Refusing ${service.url.slice(0, -1)}: its TLS certificate 'CN=CCF Node' (SHA-256 ${
        (await service.nodeCertificateSha256()).toUpperCase().match(/../g)!.join(":")
      }, issued by 'CN=CCF Service') is not issued by the certificate pinned with --ca ${dir}/other.pem`,
    ], "stderr");
    assertEquals(service.requests, [], "requests sent to an untrusted server");
    assert(!(await exists(`${dir}/x.bundle`)), "a bundle was written");
  });
});

Deno.test("collect resumes: a re-run with the same --out reuses the entries already fetched", async () => {
  await withService(contoso(), async ({ service, dir, collect }) => {
    const clean = await collect("clean.bundle", "--from", "1", "--to", "100", "--at", AT);
    assertEquals(clean.exit, 0, "clean exit");
    service.reset();
    service.always("/entries/2.61/statement", () => problemResponse(404, "TransactionNotFound", "not yet"));
    const failed = await collect("r.bundle", "--from", "1", "--to", "100", "--at", AT);
    assertEquals(failed.exit, 4, "first run exit");
    assert(
      failed.stderr.at(-1)!.endsWith(`; the files fetched so far are kept in ${dir}/r.bundle.parts/ for the next run`),
      failed.stderr.at(-1)!,
    );
    assert(!(await exists(`${dir}/r.bundle`)), "a bundle was written by the failed run");
    // A damaged part is not reused: its SHA-256 no longer matches its record.
    await Deno.writeFile(`${dir}/r.bundle.parts/files/entries/2.43.receipt.cose`, new Uint8Array([1, 2, 3]));
    service.reset();
    const resumed = await collect("r.bundle", "--from", "1", "--to", "100", "--at", AT);
    assertEquals(resumed.exit, 0, `resumed exit: ${resumed.stderr.join(" | ")}`);
    assert(resumed.stdout[0]!.includes("5 reused from an earlier run"), resumed.stdout[0]!);
    assertEquals(
      service.requests.filter((r) => r.startsWith("/entries/2")),
      ["/entries/2.43", "/entries/2.61/statement", "/entries/2.61"],
      "entries fetched again",
    );
    assert(!(await exists(`${dir}/r.bundle.parts`)), "the parts folder was not removed");
    const a = await Deno.readFile(`${dir}/clean.bundle`);
    const b = await Deno.readFile(`${dir}/r.bundle`);
    assertEquals(toHex(await sha256(b)), toHex(await sha256(a)), "resumed bundle");
    // A re-run over a finished bundle reuses its entries too.
    service.reset();
    const rerun = await collect("r.bundle", "--from", "1", "--to", "100", "--at", AT);
    assertEquals(rerun.exit, 0, "re-run exit");
    assertEquals(service.requests.filter((r) => r.startsWith("/entries/2")), [], "entries fetched by the re-run");
  });
});

Deno.test("collect --issuer keeps only the statements whose issuer matches", async () => {
  await withService(contoso(), async ({ dir, collect }) => {
    const none = await collect("none.bundle", "--entry", "2.37", "--issuer", "did:x509:0:sha256:other*");
    assertEquals(none.exit, 3, "exit when nothing matches");
    assertEquals(
      none.stderr.at(-1)!.split(";")[0],
      "scitt-audit: No collected statement has an issuer matching --issuer 'did:x509:0:sha256:other*' (1 left out)",
      "message",
    );
    const some = await collect(
      "some.bundle",
      "--entry",
      "2.37",
      "--issuer",
      "did:x509:0:sha256:abTSBNGDIuygAa3IU27s5OY0LXo6uaTRMHRRP6QlSQU::*",
    );
    assertEquals(some.exit, 0, "exit");
    assert(!(await exists(`${dir}/none.bundle`)), "a bundle was written");
  });
});

Deno.test("collect --ledger fetches every committed chunk and checks each Repr-Digest", async () => {
  const ledger = await newLedger("collect");
  await addEntries(ledger, 2);
  const chunks = new Map(ledger.files.map((f) => [f.name, f.bytes]));
  const digests = new Map(await Promise.all([...chunks].map(async ([n, b]) => [n, await reprDigest(b)] as const)));
  await withService(
    { ...contoso(), ledgerChunks: chunks, ledgerDigests: digests },
    async ({ service, dir, collect }) => {
      const result = await collect("l.bundle", "--entry", "2.37", "--ledger", "--at", AT);
      assertEquals(result.exit, 0, `exit: ${result.stderr.join(" | ")}`);
      assert(result.stdout[0]!.includes("and 2 ledger chunks"), result.stdout[0]!);
      assertEquals(
        service.requests.filter((r) => r.startsWith("/node/ledger-chunk")),
        [
          "/node/ledger-chunk?since=1",
          "/node/ledger-chunk/ledger_1-4.committed",
          "/node/ledger-chunk?since=5",
          "/node/ledger-chunk/ledger_5-7.committed",
          "/node/ledger-chunk?since=8",
        ],
        "ledger requests",
      );
      const members = await bundleMembers(`${dir}/l.bundle`);
      assertEquals(members.get("ledger/ledger_5-7.committed"), chunks.get("ledger_5-7.committed"), "chunk");
      const record = readProvenance(members.get("provenance.json")!).files.find((f) =>
        f.path === "ledger/ledger_1-4.committed"
      )!;
      assertEquals(record.url, `${service.url}node/ledger-chunk/ledger_1-4.committed`, "chunk url");
      assertEquals(record.reprDigest, digests.get("ledger_1-4.committed"), "Repr-Digest recorded");
      const ran = await cli("run", `${dir}/l.bundle`, "--json");
      assertEquals(ran.exit, 0, "run exit");
      const integrity = JSON.parse(ran.stdout.join("\n")).findings.find((f: { id: string }) =>
        f.id === "ledger.service.integrity"
      );
      assertEquals(
        integrity.message,
        "seqnos 1–7 (7 transactions, 3 signatures) verify at level full; last signed 2.7",
        "ledger audited",
      );

      // From the file index instead, from seqno 5 on (audited from the first signed tree).
      service.reset();
      const indexed = await collect(
        "i.bundle",
        "--entry",
        "2.37",
        "--ledger",
        "--since",
        "5",
        "--ledger-index",
        "/ledger/index.json",
      );
      assertEquals(indexed.exit, 0, `index exit: ${indexed.stderr.join(" | ")}`);
      assertEquals(
        service.requests.filter((r) => r.startsWith("/ledger/")),
        ["/ledger/index.json", "/ledger/ledger_5-7.committed"],
        "requests through the file index",
      );
      const ledgerMembers = [...(await bundleMembers(`${dir}/i.bundle`)).keys()].filter((p) => p.startsWith("ledger/"));
      assertEquals(ledgerMembers, ["ledger/index.json", "ledger/ledger_5-7.committed"], "ledger members");
    },
  );
  const wrong = new Map([["ledger_1-4.committed", await reprDigest(utf8("another chunk"))]]);
  await withService({ ...contoso(), ledgerChunks: chunks, ledgerDigests: wrong }, async ({ service, dir, collect }) => {
    const result = await collect("w.bundle", "--entry", "2.37", "--ledger");
    assertEquals(result.exit, 3, "exit");
    assert(
      result.stderr.at(-1)!.startsWith(
        `scitt-audit: GET ${service.url}node/ledger-chunk/ledger_1-4.committed: the body's SHA-256 is `,
      ),
      result.stderr.at(-1)!,
    );
    assert(!(await exists(`${dir}/w.bundle`)), "a bundle was written");
  });
});

const ESRP_DB = "esrp-cts-db.confidential-ledger.azure.com";
const UVM_DID = "did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.2";

/** The JWKS as a `/.well-known/scitt-keys` COSE_Key_Set (EC2 P-384 keys, ES384). */
function scittKeysOf(jwks: Uint8Array): Uint8Array {
  const keys = (JSON.parse(fromUtf8(jwks)) as { keys: { kid: string; x: string; y: string }[] }).keys;
  return encodeCbor(
    keys.map((k) =>
      new Map<number, Uint8Array | number>([[1, 2], [2, utf8(k.kid)], [3, -35], [-1, 2], [-2, fromBase64(k.x)], [
        -3,
        fromBase64(k.y),
      ]])
    ),
  );
}

/**
 * The esrp-cts-db service from the shared vectors: two genuine production transparent statements and the service's
 * keys, and (constructed from genuine SEV-SNP reports and a UVM endorsement) node quotes with a join policy whose
 * host data is the SHA-256 of the security policy the reports commit to.
 */
async function esrpDb(vectors: string): Promise<ServiceContent> {
  const read = (path: string) => Deno.readFileSync(`${vectors}/${path}`);
  const jwks = read("mst/esrp-cts-db/esrp_db_ledger_pub_keys.json");
  const self = read("attestation/ccf-snp/node_quotes_self.constructed.json");
  const policy = fromBase64(
    fromUtf8(read("attestation/aci-security-context/security-context-test/security-policy-base64")).trim(),
  );
  const measurement = (JSON.parse(fromUtf8(self)) as { measurement: string }).measurement;
  const joinPolicy = {
    sgx: { measurements: [] },
    snp: {
      measurements: [measurement],
      hostData: { [toHex(await sha256(policy))]: fromUtf8(policy) },
      uvmEndorsements: { [UVM_DID]: { "ContainerPlat-AMD-UVM": { svn: "100" } } },
    },
  };
  return {
    issuer: ESRP_DB,
    jwks,
    scittKeys: scittKeysOf(jwks),
    statements: [read("mst/esrp-cts-db/uvm_0.2.10.cose"), read("mst/esrp-cts-db/esrp_transparent_hash_envelop.cose")],
    quotesSelf: self,
    quotes: read("attestation/ccf-snp/node_quotes.constructed.json"),
    joinPolicy: utf8(JSON.stringify(joinPolicy)),
  };
}

vectorTest(
  "collect --attestation over the esrp-cts-db vectors: the generated playbook passes 'run' as written",
  async (vectors) => {
    await withService(await esrpDb(vectors), async ({ service, dir, collect }) => {
      const entries = [...service.entries.keys()];
      assertEquals(entries, ["458.12440", "685.17238"], "entries served");
      const result = await collect(
        "esrp.bundle",
        "--entry",
        "458.12440",
        "--entry",
        "685.17238",
        "--attestation",
        "--at",
        "2026-06-01T00:00:00Z",
      );
      assertEquals(result.stderr, [], "stderr");
      assertEquals(result.exit, 0, "exit");
      const members = await bundleMembers(`${dir}/esrp.bundle`);
      const playbook = fromUtf8(members.get("playbook.yaml")!);
      assert(
        playbook.includes(
          `  uvm-roots:\n    - did: "${UVM_DID}"\n      feed: "ContainerPlat-AMD-UVM"\n      min-svn: 100\n`,
        ),
        playbook,
      );
      assert(
        playbook.includes(
          "    value: attestation.node.host-data\n    equals: hex:4f4448c67f3c8dfc8de8a5e37125d807dadcc41f06cf23f615dbd52eec777d10\n",
        ),
        "the host data expectation from the join policy",
      );
      const ran = await cli("run", `${dir}/esrp.bundle`, "--json");
      const report = JSON.parse(ran.stdout[0]!);
      const notPassed = report.findings.filter((f: { status: string }) => f.status !== "pass")
        .map((f: { id: string; status: string; message: string }) => `${f.id} ${f.status}: ${f.message}`);
      assertEquals(
        notPassed,
        ["node", "nodes"].map((id) =>
          `attestation.${id}.validity skip: Certificate validity not checked (check-validity: false): the evidence is audited after the fact`
        ),
        "findings that did not pass (validity periods are left unchecked, as CCF does)",
      );
      assertEquals(report.verdict, "pass", "verdict");
      assertEquals(ran.exit, 0, "run exit");
      const ids = report.findings.map((f: { id: string }) => f.id);
      for (
        const id of [
          "statement.entry-458-12440.receipt.0",
          "statement.entry-685-17238.receipt.0",
          "attestation.node.uvm-endorsement",
          "measurement.0",
          "measurement.1",
        ]
      ) {
        assert(ids.includes(id), `no finding ${id}: ${ids.join(", ")}`);
      }
    });
  },
);

/** The flags of a deno.json task that runs `cli/main.ts` (`deno run <flags> cli/main.ts ...`). */
function taskFlags(name: string): string[] {
  const tasks = (JSON.parse(Deno.readTextFileSync(`${REPO}deno.json`)) as { tasks: Record<string, string> }).tasks;
  const words = tasks[name]!.split(/\s+/);
  assertEquals(words.slice(0, 2), ["deno", "run"], `task ${name}`);
  const main = words.indexOf("cli/main.ts");
  assert(main > 2, `task ${name} does not run cli/main.ts`);
  return words.slice(2, main);
}

async function deno(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command("deno", { args, cwd: REPO, stdout: "piped", stderr: "piped" }).output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout), stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("under the cli task's permissions nothing opens a connection: a probe is refused, collect says how to run it, run passes offline", async () => {
  const flags = taskFlags("cli");
  assert(
    !flags.some((f) => f.startsWith("--allow-net") || f === "-A" || f === "--allow-all"),
    `cli task flags: ${flags}`,
  );
  assertEquals(taskFlags("collect").filter((f) => f.startsWith("--allow-net")), ["--allow-net"], "collect task flags");
  await withService(contoso(), async ({ service, dir, pin, collect }) => {
    const probe = `${dir}/probe.ts`;
    await Deno.writeTextFile(
      probe,
      `const attempts = {
  fetch: () => fetch("${service.url}jwks"),
  connect: () => Deno.connect({ hostname: "127.0.0.1", port: ${service.port} }),
  connectTls: () => Deno.connectTls({ hostname: "127.0.0.1", port: ${service.port} }),
  resolveDns: () => Deno.resolveDns("localhost", "A"),
};
const results = {};
for (const [name, attempt] of Object.entries(attempts)) {
  try {
    await attempt();
    results[name] = "allowed";
  } catch (error) {
    results[name] = error.name + ": " + error.message.split("\\n")[0];
  }
}
console.log(JSON.stringify(results));
`,
    );
    const probed = await deno(["run", ...flags, probe]);
    assertEquals(probed.code, 0, `probe exit: ${probed.stderr}`);
    const results = JSON.parse(probed.stdout) as Record<string, string>;
    for (const [name, outcome] of Object.entries(results)) {
      assert(outcome.startsWith("NotCapable: Requires net access"), `${name}: ${outcome}`);
    }
    assertEquals(Object.keys(results).length, 4, "attempts");

    const refused = await deno([
      "run",
      ...flags,
      "cli/main.ts",
      "collect",
      "--service",
      service.url,
      "--service-cert",
      pin,
      "--entry",
      "2.37",
      "--out",
      `${dir}/x.bundle`,
    ]);
    assertEquals(refused.code, 2, "collect exit without network permission");
    assertEquals(refused.stderr.trim().split("\n"), [
      `scitt-audit: collect: needs network access to 127.0.0.1:${service.port}, which this run does not have; run it as deno task collect ... (deno run --allow-read --allow-write --allow-net --no-prompt cli/main.ts collect ...)`,
    ], "collect stderr");
    assertEquals(service.requests, [], "requests that reached the service");

    const collected = await collect("a.bundle", "--from", "1", "--to", "100", "--at", AT);
    assertEquals(collected.exit, 0, "collect exit");
    const ran = await deno(["run", ...flags, "cli/main.ts", "run", `${dir}/a.bundle`, "-q"]);
    assertEquals(ran.code, 0, `run exit under the cli task's permissions: ${ran.stdout} ${ran.stderr}`);
    const verified = await deno([
      "run",
      ...flags,
      "cli/main.ts",
      "verify",
      "fixtures/mst/statements/release-1.0.cose",
      "--keys",
      `${CONTOSO}=fixtures/mst/keys/${CONTOSO}.jwks.json`,
      "-q",
    ]);
    assertEquals(verified.code, 0, `verify exit under the cli task's permissions: ${verified.stderr}`);
  });
});

Deno.test("Ctrl-C during a collection leaves no bundle and no temporary file, only the parts for the next run", async () => {
  await withService(contoso(), async ({ service, dir, pin }) => {
    service.always("/version", () => service.hang());
    const child = new Deno.Command("deno", {
      args: [
        "run",
        ...taskFlags("collect"),
        "cli/main.ts",
        "collect",
        "--service",
        service.url,
        "--service-cert",
        pin,
        "--entry",
        "2.37",
        "--out",
        `${dir}/c.bundle`,
        "-v",
      ],
      cwd: REPO,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = child.stderr.getReader();
    let stderr = "";
    while (!stderr.includes(`GET ${service.url}version`)) {
      const { done, value } = await reader.read();
      if (done) break;
      stderr += new TextDecoder().decode(value);
    }
    child.kill("SIGINT");
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      stderr += new TextDecoder().decode(value);
    }
    const status = await child.status;
    await child.stdout.cancel();
    assertEquals(status.code, 1, `exit (${stderr})`);
    assertEquals(
      stderr.trim().split("\n").at(-1),
      `scitt-audit: collect: interrupted; no bundle written; the files fetched so far are kept in ${dir}/c.bundle.parts/ for the next run`,
      "last line",
    );
    const left = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
    assertEquals(left, ["c.bundle.parts", "service-cert.pem"], "files left");
  });
});

Deno.test("collect draws a progress bar on the status line only when there is one (a terminal), and clears it", async () => {
  await withService(contoso(), async ({ service, dir, pin }) => {
    const statuses: string[] = [];
    const io = { ...memoryIo(), status: (text: string) => statuses.push(text) };
    const exit = await runCli(
      [
        "collect",
        "--service",
        service.url,
        "--service-cert",
        pin,
        "--from",
        "1",
        "--to",
        "100",
        "--out",
        `${dir}/p.bundle`,
      ],
      io,
    );
    assertEquals(exit, 0, "exit");
    assert(
      statuses.some((s) => s.startsWith("[") && s.includes("/8 files")),
      `no progress bar: ${JSON.stringify(statuses)}`,
    );
    assertEquals(statuses.at(-1), "", "the bar is cleared at the end");
    assert(io.stdout.every((l) => !l.includes("[")), "the bar reached stdout");
    const plain = await cli(
      "collect",
      "--service",
      service.url,
      "--service-cert",
      pin,
      "--entry",
      "2.37",
      "--out",
      `${dir}/q.bundle`,
    );
    assertEquals(plain.stderr, [], "stderr without a terminal");
  });
});

Deno.test("collect refuses unusable arguments with a usage line before any connection", async () => {
  const cases: [string[], string][] = [
    [["--entry", "2.37", "--out", "x"], "collect: name the service with --service https://HOST[:PORT]"],
    [
      ["--service", "http://127.0.0.1:1", "--entry", "2.37", "--out", "x"],
      "collect: --service must be an https URL; found 'http://127.0.0.1:1'",
    ],
    [
      ["--service", "https://127.0.0.1:1/scitt", "--entry", "2.37", "--out", "x"],
      "collect: --service must be https://HOST[:PORT] with no path, credentials, query or fragment; found 'https://127.0.0.1:1/scitt'",
    ],
    [["--service", "https://127.0.0.1:1", "--entry", "2.37"], "collect: name the bundle to write with --out FILE"],
    [
      ["--service", "https://127.0.0.1:1", "--entry", "458", "--out", "x"],
      "collect: --entry must be a transaction id such as 458.12440; found '458'",
    ],
    [["--service", "https://127.0.0.1:1", "--from", "3", "--out", "x"], "collect: give --from and --to together"],
    [
      ["--service", "https://127.0.0.1:1", "--out", "x"],
      "collect: name entries with --entry TXID or --from SEQNO --to SEQNO",
    ],
    [
      ["--service", "https://127.0.0.1:1", "--ca", "a", "--service-cert", "b", "--entry", "2.37", "--out", "x"],
      "collect: pin with --service-cert or with --ca, not both",
    ],
  ];
  for (const [args, message] of cases) {
    const result = await cli("collect", ...args);
    assertEquals([result.exit, result.stderr], [2, [`scitt-audit: ${message}`]], args.join(" "));
  }
});
