/**
 * A playbook over the genuine MST vectors in `../shared/vectors/mst` (production ESRP statements and their
 * services' keys) passes end to end. Skipped, and said so, when the vectors are absent.
 *
 * @module
 */

import { runAudit } from "../cli/audit.ts";
import { vectorTest } from "./_vectors.ts";
import { assertEquals } from "./_assert.ts";

const UVM_ISSUER = "did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.2";
const MODEL_ISSUER = "did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.1";
const DB = "esrp-cts-db.confidential-ledger.azure.com";
const CP = "esrp-cts-cp.confidential-ledger.azure.com";

function playbook(mst: string): string {
  return `playbook: 1
name: MST production vectors
at: 2026-06-01T00:00:00Z
trust:
  transparency:
    - issuer: ${DB}
      keys: ${mst}/esrp-cts-db/esrp_db_ledger_pub_keys.json
    - issuer: ${DB}
      keys: ${mst}/esrp-cts-db/esrp-cts-db.json
    - issuer: ${CP}
      keys: ${mst}/esrp-cts-cp/esrp-cts-cp.confidential-ledger.azure.com.jwks.json
  receipts:
    authorized-domains: [${DB}, ${CP}]
  signers:
    - ${UVM_ISSUER}
    - ${MODEL_ISSUER}
statements:
  - id: uvm
    file: ${mst}/esrp-cts-db/uvm_0.2.10.cose
    expect:
      subject: ContainerPlat-AMD-UVM
      issuer: ${UVM_ISSUER}
      min-svn: 100
      issued-after: 2025-12-01T00:00:00Z
      receipt-issuers: [${DB}]
  - id: envelope
    file: ${mst}/esrp-cts-db/esrp_transparent_hash_envelop.cose
    expect: { subject: ContainerPlat-AMD-UVM, receipt-issuers: [${DB}] }
  - id: model
    file: ${mst}/esrp-cts-cp/1ts-statement.scitt
    expect: { subject: experimental/microsoft/phi-4-reasoning, min-svn: 0, receipt-issuers: [${CP}] }
measurements:
  - name: the UVM statement is the one the README records
    value: statement.uvm.digest
    equals: hex:a60138fb1591fe6c433b41128b0349cf3636bce74fc8c2e7140bc13b74612649
  - name: the model statement is the one the README records
    value: statement.model.digest
    equals: hex:ad2c00a990a1b0a4f8ea765b58eb64b207b94ec52ff6baeb8a79fffe7bc2bfcd
  - name: both UVM statements come from the same issuer
    value: statement.uvm.issuer
    equals: statement.envelope.issuer
`;
}

vectorTest("runAudit() passes a playbook over the genuine MST vectors, with every receipt's txid", async (vectors) => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/mst.yaml`, playbook(`${vectors}/mst`));
    const report = await runAudit(`${dir}/mst.yaml`, {});
    const failed = report.findings.filter((f) => f.status !== "pass").map((f) => `${f.id}: ${f.message}`);
    assertEquals(failed, [], "findings that did not pass");
    assertEquals(report.verdict, "pass");
    const receipt = (id: string) => report.findings.find((f) => f.id === id)!.details!;
    assertEquals(
      [receipt("statement.uvm.receipt.0")["registeredTxid"], receipt("statement.uvm.receipt.0")["signedTxid"]],
      ["458.12440", "458.12441"],
    );
    assertEquals(
      receipt("statement.uvm.receipt.0")["root"],
      "9a9b439497b18eed7d5a1f3177c3206cb221e12e46e6f66bac935c62053b0466",
    );
    assertEquals(receipt("statement.model.receipt.0")["signedTxid"], "138.3388");
    assertEquals(report.inputs.length, 7, "inputs: the playbook, three key files, three statements");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
