/**
 * The collector's HTTP client: every request goes to the `--service` origin only, over TLS pinned to the
 * given certificate, with a timeout, a size limit, content types checked, retries with backoff on 429, 502,
 * 503 and 504 (honouring `Retry-After`, as for CCF's `IndexingInProgressRetryLater`) and on dropped
 * connections, pending entries waited for (legacy 503, `api-version=2026-03-26` 302/303), same-origin redirects
 * followed and any other redirect refused. Failures are one line naming the URL and the status.
 *
 * @module
 */

import { type Endpoint, mediaType } from "../../core/collect/endpoints.ts";
import { problemText, readProblem } from "../../core/collect/problem.ts";
import { retryAfterMs } from "../../core/collect/retry_after.ts";
import { AuditError } from "../../core/errors.ts";

/** How the client behaves. */
export interface ClientOptions {
  /** The `--service` URL; only its origin is ever contacted. */
  readonly service: URL;
  /** The pinned certificates, PEM. */
  readonly caPem: string;
  /** Per attempt, connection and body together, e.g. `30_000`. */
  readonly timeoutMs: number;
  /** Retries after the first attempt, e.g. `5`. */
  readonly retries: number;
  /** The largest body accepted, e.g. `64 * 1024 * 1024`. */
  readonly maxBytes: number;
  /** The first backoff when the server gives no `Retry-After`; doubled each retry, e.g. `500`. */
  readonly backoffMs: number;
  /** The longest single wait accepted from `Retry-After`, e.g. `60_000`. */
  readonly maxWaitMs: number;
  /** Aborts everything (Ctrl-C). */
  readonly signal: AbortSignal;
  /** Receives one line per attempt that did not succeed, and per request with `-v`. */
  readonly log: (line: string) => void;
}

/** A 200 answer, read whole. */
export interface Fetched {
  /** The URL that answered, after same-origin redirects. */
  readonly url: string;
  readonly status: number;
  /** The media type, e.g. `application/cose`. */
  readonly contentType: string;
  readonly headers: Headers;
  readonly body: Uint8Array;
  /** When the answering request was made. */
  readonly requestedAt: Date;
}

/** Raised when the collection is interrupted (Ctrl-C). */
export class Interrupted extends Error {
  /** Creates it. */
  constructor() {
    super("Interrupted");
    this.name = "Interrupted";
  }
}

/** Reason phrases (RFC 9110 §15), since HTTP/2 sends none. */
const REASONS: Readonly<Record<number, string>> = {
  200: "OK",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

function reasonPhrase(status: number, sent: string): string {
  const reason = REASONS[status] ?? sent;
  return reason ? ` ${reason}` : "";
}

const RETRYABLE = new Set([429, 502, 503, 504]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;
const MAX_ERROR_BODY = 64 * 1024;
const MAX_BACKOFF_MS = 8_000;

function causes(error: unknown): string {
  const parts: string[] = [];
  for (
    let e = error as { message?: unknown; cause?: unknown } | undefined;
    e && parts.length < 5;
    e = e.cause as never
  ) {
    if (typeof e.message === "string") parts.push(e.message);
  }
  return parts.join(": ");
}

/** The innermost useful part of a transport error, e.g. `invalid peer certificate: UnknownIssuer`. */
function transportReason(error: unknown): string {
  const text = causes(error);
  const m = text.match(/(invalid peer certificate: \w+|connection (?:refused|reset)[^:)]*|unexpected EOF[^:)]*)/i);
  return m ? m[1]! : text.replace(/^fetch failed: /, "").replace(/error sending request for url \([^)]*\): /, "");
}

/** A pinned HTTPS client for one service. */
export class ServiceClient {
  readonly #options: ClientOptions;
  readonly #client: Deno.HttpClient;

  /** Creates the client; call {@linkcode ServiceClient.close} when done. */
  constructor(options: ClientOptions) {
    this.#options = options;
    this.#client = Deno.createHttpClient({ caCerts: [options.caPem] });
  }

  /** Releases the connections. */
  close(): void {
    this.#client.close();
  }

  /** Resolves a path or link against the service and refuses any other origin. */
  resolve(target: string, from: string, what = "link"): URL {
    const url = new URL(target, from);
    if (url.origin !== this.#options.service.origin) {
      throw new AuditError(
        "COLLECT_REDIRECT_REFUSED",
        `Refusing the ${what} from ${from} to ${url.href}: only ${this.#options.service.origin} is contacted`,
      );
    }
    return url;
  }

  #sleep(ms: number): Promise<void> {
    const signal = this.#options.signal;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new Interrupted());
      const onAbort = () => {
        clearTimeout(timer);
        reject(new Interrupted());
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  #backoff(attempt: number): number {
    return Math.min(MAX_BACKOFF_MS, this.#options.backoffMs * 2 ** attempt);
  }

  async #readBody(response: Response, limit: number, url: string): Promise<Uint8Array> {
    const declared = Number(response.headers.get("content-length") ?? NaN);
    if (Number.isFinite(declared) && declared > limit) {
      await response.body?.cancel();
      throw new AuditError(
        "COLLECT_RESPONSE_REFUSED",
        `GET ${url}: HTTP ${response.status}${
          reasonPhrase(response.status, response.statusText)
        }: the body is ${declared} bytes, more than the limit of ${limit} (--max-size)`,
      );
    }
    if (!response.body) return new Uint8Array(0);
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > limit) {
        await reader.cancel();
        throw new AuditError(
          "COLLECT_RESPONSE_REFUSED",
          `GET ${url}: HTTP ${response.status}${
            reasonPhrase(response.status, response.statusText)
          }: the body is more than the limit of ${limit} bytes (--max-size)`,
        );
      }
      chunks.push(value);
    }
    const body = new Uint8Array(size);
    let offset = 0;
    for (const c of chunks) {
      body.set(c, offset);
      offset += c.length;
    }
    return body;
  }

  async #problem(response: Response, url: string): Promise<string> {
    try {
      const body = await this.#readBody(response, MAX_ERROR_BODY, url);
      const text = problemText(readProblem(body, response.headers.get("content-type")));
      return text === "" ? "" : `: ${text}`;
    } catch {
      return "";
    }
  }

  /**
   * GETs an endpoint and returns its 200 answer, or `undefined` for a 404 of an optional endpoint.
   * `target` is a path (`/jwks`) or a link the service sent; `headers` are added to `Accept`.
   */
  async get(target: string, endpoint: Endpoint, headers: Record<string, string> = {}): Promise<Fetched | undefined> {
    const o = this.#options;
    let url = this.resolve(target, o.service.href, "request");
    let attempt = 0;
    let redirects = 0;
    const retryOrFail = async (
      why: string,
      waitMs: number | undefined,
      code: "COLLECT_HTTP_FAILED" | "COLLECT_NETWORK_FAILED",
    ) => {
      if (attempt >= o.retries) {
        throw new AuditError(code, `GET ${url.href}: ${why}${attempt > 0 ? ` (after ${attempt + 1} attempts)` : ""}`);
      }
      const wait = waitMs ?? this.#backoff(attempt);
      if (wait > o.maxWaitMs) {
        throw new AuditError(
          code,
          `GET ${url.href}: ${why}; the server asks to retry after ${wait / 1000} s, more than --max-wait ${
            o.maxWaitMs / 1000
          } s`,
        );
      }
      o.log(`GET ${url.href}: ${why}; retrying in ${wait / 1000} s`);
      await this.#sleep(wait);
      attempt++;
    };
    for (;;) {
      if (o.signal.aborted) throw new Interrupted();
      const requestedAt = new Date();
      const signal = AbortSignal.any([o.signal, AbortSignal.timeout(o.timeoutMs)]);
      let response: Response;
      try {
        response = await fetch(url, {
          client: this.#client,
          redirect: "manual",
          headers: { accept: endpoint.accept, ...headers },
          signal,
        });
      } catch (error) {
        if (o.signal.aborted) throw new Interrupted();
        const reason = transportReason(error);
        if (/certificate/i.test(reason)) {
          throw new AuditError("COLLECT_TLS_FAILED", `GET ${url.href}: TLS refused the server: ${reason}`);
        }
        const why = signal.aborted ? `no answer within ${o.timeoutMs / 1000} s (--timeout)` : reason;
        await retryOrFail(why, undefined, "COLLECT_NETWORK_FAILED");
        continue;
      }
      const status = response.status;
      const statusLine = `HTTP ${status}${reasonPhrase(status, response.statusText)}`;
      if (REDIRECTS.has(status)) {
        await response.body?.cancel();
        const location = response.headers.get("location");
        if (!location) throw new AuditError("COLLECT_HTTP_FAILED", `GET ${url.href}: ${statusLine} without a Location`);
        const next = this.resolve(location, url.href, "redirect");
        const pending = (status === 302 || status === 303) &&
          (endpoint.kind === "receipt" || endpoint.kind === "statement");
        if (pending) {
          await retryOrFail(
            `${statusLine}: the entry is pending`,
            retryAfterMs(response.headers.get("retry-after"), new Date()),
            "COLLECT_HTTP_FAILED",
          );
        } else if (++redirects > MAX_REDIRECTS) {
          throw new AuditError("COLLECT_HTTP_FAILED", `GET ${url.href}: more than ${MAX_REDIRECTS} redirects`);
        }
        url = next;
        continue;
      }
      if (RETRYABLE.has(status)) {
        const problem = await this.#problem(response, url.href);
        await retryOrFail(
          `${statusLine}${problem}`,
          retryAfterMs(response.headers.get("retry-after"), new Date()),
          "COLLECT_HTTP_FAILED",
        );
        continue;
      }
      if (status === 404 && endpoint.optional) {
        await response.body?.cancel();
        return undefined;
      }
      if (status !== 200) {
        throw new AuditError(
          "COLLECT_HTTP_FAILED",
          `GET ${url.href}: ${statusLine}${await this.#problem(response, url.href)}`,
        );
      }
      const contentType = mediaType(response.headers.get("content-type"));
      if (!endpoint.contentTypes.includes(contentType)) {
        await response.body?.cancel();
        throw new AuditError(
          "COLLECT_RESPONSE_REFUSED",
          `GET ${url.href}: ${statusLine}: content type '${contentType || "(none)"}' is not ${
            endpoint.contentTypes.map((t) => `'${t}'`).join(" or ")
          }`,
        );
      }
      let body: Uint8Array;
      try {
        body = await this.#readBody(response, o.maxBytes, url.href);
      } catch (error) {
        if (error instanceof AuditError) throw error;
        if (o.signal.aborted) throw new Interrupted();
        const why = signal.aborted
          ? `the body did not arrive within ${o.timeoutMs / 1000} s (--timeout)`
          : `the connection broke while reading the body: ${transportReason(error)}`;
        await retryOrFail(why, undefined, "COLLECT_NETWORK_FAILED");
        continue;
      }
      return { url: url.href, status, contentType, headers: response.headers, body, requestedAt };
    }
  }
}
