/**
 * Name constraints matching (RFC 5280 §4.2.1.10) for the name forms certificates in practice carry:
 * DNS names, email addresses, URIs (by host), directory names and IP addresses.
 *
 * @module
 */

import type { Certificate } from "./certificate.ts";
import type { NameConstraints } from "./extensions.ts";
import type { GeneralName } from "./general_name.ts";
import { nameHasPrefix } from "./name.ts";

/** Why a certificate's names break a CA's name constraints. */
export type NameConstraintViolation = "permitted" | "excluded" | "unsupported";

const OID_EMAIL_ADDRESS = "1.2.840.113549.1.9.1";

/**
 * Checks every name of a certificate — its subject (as a directory name), emailAddress attributes of the
 * subject (as email addresses) and its subjectAltName entries — against a CA's name constraints. For each
 * name form that has permitted subtrees, each name of that form must fall in one; no name may fall in an
 * excluded subtree. A constraint on a form the project cannot compare (otherName, ...) that meets a name of
 * that form is `"unsupported"`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { nameConstraintViolation } from "./name_constraints.ts";
 * import type { Certificate } from "./certificate.ts";
 * const cert = {
 *   subject: { der: new Uint8Array([0x30, 0x00]), rdns: [] },
 *   extensions: { list: [], subjectAltNames: [{ type: "dns", value: "host.example.com" }] },
 * } as unknown as Certificate;
 * assert(nameConstraintViolation({ permitted: [{ type: "dns", value: "example.com" }], excluded: [] }, cert) === undefined);
 * assert(nameConstraintViolation({ permitted: [], excluded: [{ type: "dns", value: "example.com" }] }, cert) === "excluded");
 * ```
 */
export function nameConstraintViolation(
  constraints: NameConstraints,
  cert: Pick<Certificate, "subject" | "extensions">,
): NameConstraintViolation | undefined {
  for (const name of namesOf(cert)) {
    const permitted = constraints.permitted.filter((base) => base.type === name.type);
    const excluded = constraints.excluded.filter((base) => base.type === name.type);
    if (permitted.length === 0 && excluded.length === 0) continue;
    if (!comparable(name)) return "unsupported";
    if (permitted.length > 0 && !permitted.some((base) => inSubtree(name, base))) return "permitted";
    if (excluded.some((base) => inSubtree(name, base))) return "excluded";
  }
  return undefined;
}

function namesOf(cert: Pick<Certificate, "subject" | "extensions">): GeneralName[] {
  const names: GeneralName[] = [];
  if (cert.subject.rdns.length > 0) names.push({ type: "dn", value: cert.subject });
  for (const rdn of cert.subject.rdns) {
    for (const attribute of rdn) {
      if (attribute.oid === OID_EMAIL_ADDRESS) names.push({ type: "email", value: attribute.value });
    }
  }
  return [...names, ...(cert.extensions.subjectAltNames ?? [])];
}

function comparable(name: GeneralName): boolean {
  return name.type === "dns" || name.type === "email" || name.type === "uri" || name.type === "dn" ||
    name.type === "ip";
}

/** Whether `name` falls in the subtree rooted at `base` (both of the same form). */
function inSubtree(name: GeneralName, base: GeneralName): boolean {
  if (name.type === "dns" && base.type === "dns") return hostWithin(name.value, base.value, false);
  if (name.type === "email" && base.type === "email") return emailWithin(name.value, base.value);
  if (name.type === "uri" && base.type === "uri") {
    const host = uriHost(name.value);
    return host !== undefined && hostWithin(host, base.value, true);
  }
  if (name.type === "dn" && base.type === "dn") return nameHasPrefix(name.value, base.value);
  if (name.type === "ip" && base.type === "ip") return ipWithin(name.value, base.value);
  return false;
}

/**
 * A DNS constraint `example.com` covers the host and every subdomain; a leading dot (`.example.com`) covers
 * subdomains only. For URIs and email domains RFC 5280 makes a constraint without a dot an exact host match.
 */
function hostWithin(host: string, base: string, exactUnlessDotted: boolean): boolean {
  const h = host.toLowerCase();
  const b = base.toLowerCase();
  if (b === "") return true;
  if (b.startsWith(".")) return h.endsWith(b);
  return h === b || (!exactUnlessDotted && h.endsWith(`.${b}`));
}

/** `user@example.com` matches one mailbox, `example.com` all mailboxes at that host, `.example.com` subdomains. */
function emailWithin(address: string, base: string): boolean {
  const at = address.lastIndexOf("@");
  if (at === -1) return false;
  if (base.includes("@")) {
    const baseAt = base.lastIndexOf("@");
    return address.slice(0, at) === base.slice(0, baseAt) &&
      address.slice(at + 1).toLowerCase() === base.slice(baseAt + 1).toLowerCase();
  }
  return hostWithin(address.slice(at + 1), base, true);
}

/** The host of a URI with an authority (`scheme://[user@]host[:port]/...`); undefined for URIs without one. */
function uriHost(uri: string): string | undefined {
  const authority = uri.match(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/)?.[1];
  if (authority === undefined) return undefined;
  const hostPort = authority.slice(authority.lastIndexOf("@") + 1);
  const host = hostPort.startsWith("[") ? hostPort.slice(0, hostPort.indexOf("]") + 1) : hostPort.split(":")[0]!;
  return host === "" ? undefined : host;
}

/** An iPAddress constraint is address then mask (8 or 32 bytes); the name is 4 or 16 bytes. */
function ipWithin(address: Uint8Array, base: Uint8Array): boolean {
  if (base.length !== 2 * address.length) return false;
  return address.every((byte, i) => (byte & base[address.length + i]!) === (base[i]! & base[address.length + i]!));
}
