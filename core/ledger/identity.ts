/**
 * The identities of a CCF service through its ledger (spec: ccf-ledger §5, §7): the service certificate and
 * status in `public:ccf.gov.service.info` with the transitions CCF allows, each disaster recovery with the
 * previous identity and whether it endorsed the new one, and the node certificates that raw root signatures are
 * checked against.
 *
 * @module
 */

import { fromBase64, toHex } from "../bytes.ts";
import { decodeCoseSign1, verifyCoseSign1 } from "../cose/sign1.ts";
import { type Certificate, parseCertificates } from "../x509/certificate.ts";
import { formatName } from "../x509/name.ts";
import { formatUtcTime } from "../time.ts";
import type { GovernanceTracker } from "./governance.ts";
import { sha256Sync } from "./leaf.ts";
import type { LedgerFinding, ServiceIdentity } from "./model.ts";
import type { IdentityState } from "./state.ts";
import { jsonObject, keyText, pemValue, stringField, TABLE } from "./tables.ts";
import { LedgerFormatError, type LedgerTransaction, singleton } from "./transaction.ts";

/** Service status transitions CCF allows (spec: ccf-ledger §5); `Opening` may follow anything (a recovery). */
const TRANSITIONS: Readonly<Record<string, readonly string[]>> = {
  Opening: ["Open", "WaitingForRecoveryShares"],
  Recovering: ["WaitingForRecoveryShares"],
  WaitingForRecoveryShares: ["Open"],
  Open: ["Recovering"],
};

/** The first certificate of a PEM text; anything else is `LEDGER_TX_MALFORMED` naming what it was. */
export function certificateFromPem(pem: string, what: string, seqno?: number): Certificate {
  try {
    const [cert] = parseCertificates(new TextEncoder().encode(pem));
    if (cert) return cert;
  } catch {
    // reported below
  }
  const where = seqno === undefined ? "" : `Transaction ${seqno}: `;
  throw new LedgerFormatError("LEDGER_TX_MALFORMED", `${where}${what} is not a PEM certificate`);
}

interface Pem {
  readonly pem: string;
  readonly cert: Certificate;
}

/** Tracks the service and node identities, transaction by transaction. */
export class IdentityTracker {
  #service: Pem | undefined;
  #status: string | null = null;
  #previous: Pem | undefined;
  #identities: ServiceIdentity[] = [];
  #nodes = new Map<string, Pem>();

  /**
   * `checkSignatures`: verify transitions and endorsements and keep node certificates (level `full`); `report`
   * receives findings (and throws to stop the audit on a fatal one).
   */
  constructor(
    private readonly checkSignatures: boolean,
    private readonly report: (finding: LedgerFinding) => void,
    private readonly governance: GovernanceTracker,
    state?: IdentityState,
  ) {
    if (!state) return;
    const pem = (text: string, what: string): Pem => ({ pem: text, cert: certificateFromPem(text, what) });
    if (state.service.cert) this.#service = pem(state.service.cert, "the saved service certificate");
    this.#status = state.service.status;
    if (state.previousIdentity) this.#previous = pem(state.previousIdentity, "the saved previous identity");
    for (const [node, text] of Object.entries(state.nodeCertificates)) {
      this.#nodes.set(node, pem(text, `the saved certificate of node ${node}`));
    }
    this.#identities = [...state.serviceIdentities];
  }

  /** The service certificate in force. */
  get service(): Certificate | undefined {
    return this.#service?.cert;
  }

  /** The service identities seen, in order of first use. */
  get identities(): readonly ServiceIdentity[] {
    return this.#identities;
  }

  /** A node's recorded certificate. */
  nodeCertificate(node: string): Certificate | undefined {
    return this.#nodes.get(node)?.cert;
  }

  /** The identities in force, for a state file. */
  state(): IdentityState {
    return {
      service: { cert: this.#service?.pem ?? null, status: this.#status },
      previousIdentity: this.#previous?.pem ?? null,
      nodeCertificates: Object.fromEntries([...this.#nodes].map(([k, v]) => [k, v.pem])),
      serviceIdentities: [...this.#identities],
    };
  }

  /** Reads one transaction's identity tables. */
  async add(tx: LedgerTransaction): Promise<void> {
    this.#serviceInfo(tx);
    await this.#endorsement(tx);
    if (this.checkSignatures) this.#nodeCertificates(tx);
  }

  #serviceInfo(tx: LedgerTransaction): void {
    const previous = singleton(tx, TABLE.PREVIOUS_IDENTITY);
    if (previous) {
      const pem = pemValue(previous);
      this.#previous = { pem, cert: certificateFromPem(pem, "the previous service identity", tx.seqno) };
    }
    const info = singleton(tx, TABLE.SERVICE_INFO);
    if (!info) return;
    const service = jsonObject(info, TABLE.SERVICE_INFO, tx.seqno);
    const status = stringField(service, "status") ?? null;
    const pem = stringField(service, "cert");
    if (this.checkSignatures && status !== null) this.#transition(tx, status);
    if (status !== null && status !== this.#status) this.governance.record(tx.seqno, "service", `service ${status}`);
    this.#status = status;
    if (status === "Open") this.governance.serviceOpened();
    if (pem && pem !== this.#service?.pem) {
      const cert = certificateFromPem(pem, "the service certificate", tx.seqno);
      const sha = toHex(sha256Sync(cert.der));
      this.#service = { pem, cert };
      if (!this.#identities.some((i) => i.sha256 === sha)) {
        this.#identities.push({
          sha256: sha,
          subject: formatName(cert.subject),
          notBefore: formatUtcTime(cert.notBefore),
          notAfter: formatUtcTime(cert.notAfter),
          firstSeqno: tx.seqno,
          ...(status === "Recovering" ? { endorsedByPrevious: null } : {}),
        });
      }
    }
    if (status === "Recovering") {
      const from = this.#previous ? ` from service identity ${toHex(sha256Sync(this.#previous.cert.der))}` : "";
      this.report({
        code: "LEDGER_RECOVERY",
        severity: "info",
        seqno: tx.seqno,
        message: `Transaction ${tx.seqno} starts a disaster recovery${from}`,
      });
    }
  }

  #transition(tx: LedgerTransaction, status: string): void {
    const before = this.#status;
    if (status === "Opening" || before === status || before === null) return;
    if (TRANSITIONS[before]?.includes(status)) return;
    this.report({
      code: "LEDGER_SERVICE_TRANSITION_INVALID",
      severity: "error",
      seqno: tx.seqno,
      message: `Transaction ${tx.seqno} moves the service from ${before} to ${status}, which CCF does not allow`,
    });
  }

  /** A recovered service's endorsement: by the previous identity, or only by itself (spec: ccf-ledger §7). */
  async #endorsement(tx: LedgerTransaction): Promise<void> {
    const value = singleton(tx, TABLE.PREVIOUS_IDENTITY_ENDORSEMENT);
    const current = this.#service?.cert;
    if (!value || !this.checkSignatures || !current) return;
    const encoded = stringField(jsonObject(value, TABLE.PREVIOUS_IDENTITY_ENDORSEMENT, tx.seqno), "endorsement");
    let message: ReturnType<typeof decodeCoseSign1>;
    try {
      message = decodeCoseSign1(fromBase64(encoded ?? ""));
    } catch {
      throw new LedgerFormatError(
        "LEDGER_TX_MALFORMED",
        `Transaction ${tx.seqno}: the service identity endorsement is not a base64 COSE_Sign1`,
      );
    }
    const verifies = async (cert: Certificate | undefined) => {
      if (!cert) return false;
      try {
        return await verifyCoseSign1(message, cert.publicKey);
      } catch {
        return false;
      }
    };
    const byPrevious = await verifies(this.#previous?.cert);
    const bySelf = !byPrevious && await verifies(current);
    if (!byPrevious && !bySelf) {
      this.report({
        code: "LEDGER_IDENTITY_NOT_ENDORSED",
        severity: "error",
        seqno: tx.seqno,
        message:
          `Transaction ${tx.seqno}: the service identity endorsement verifies with neither the current nor the previous identity`,
      });
      return;
    }
    const sha = toHex(sha256Sync(current.der));
    const index = this.#identities.findIndex((i) => i.sha256 === sha);
    const identity = this.#identities[index];
    if (!identity || identity.endorsedByPrevious === undefined) return;
    this.#identities[index] = { ...identity, endorsedByPrevious: byPrevious };
    if (byPrevious) return;
    const previous = this.#previous ? ` ${toHex(sha256Sync(this.#previous.cert.der))}` : "";
    this.report({
      code: "LEDGER_IDENTITY_NOT_ENDORSED",
      severity: "warning",
      seqno: tx.seqno,
      message:
        `Transaction ${tx.seqno}: the recovered service identity ${sha} is endorsed only by itself, not by the previous identity${previous}`,
    });
  }

  #nodeCertificates(tx: LedgerTransaction): void {
    const add = (key: Uint8Array, pem: string, what: string) =>
      this.#nodes.set(keyText(key), { pem, cert: certificateFromPem(pem, what, tx.seqno) });
    const nodes = tx.tables.get(TABLE.NODES);
    for (const [key, value] of nodes?.writes ?? []) {
      const pem = stringField(jsonObject(value, TABLE.NODES, tx.seqno), "cert");
      if (pem) add(key, pem, "a node certificate");
    }
    for (const key of nodes?.removes ?? []) this.#nodes.delete(keyText(key));
    const endorsed = tx.tables.get(TABLE.ENDORSED_CERTIFICATES);
    for (const [key, value] of endorsed?.writes ?? []) add(key, pemValue(value), "an endorsed node certificate");
    for (const key of endorsed?.removes ?? []) this.#nodes.delete(keyText(key));
  }
}
