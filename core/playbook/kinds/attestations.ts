/**
 * The `attestations` section: evidence captured from a running service's API and verified offline (spec
 * `attestation.md`) — a CCF node-quotes response, a raw SEV-SNP report with its endorsements, or an MAA token
 * with the captured `/certs`. Every check is a finding; a chain that ends in a root the playbook names as
 * non-AMD is a `warn`, never a silent pass. The measured values are published as bytes for `measurements:`.
 *
 * @module
 */

import { AuditError } from "../../errors.ts";
import { entry, type MapNode, stringNode, stringNodes } from "../_yaml.ts";
import { FILE_SHAPE, finding, ID_SHAPE } from "./_common.ts";
import type { EvidenceKind, LoadContext, RunContext } from "./kind.ts";
import type { ObjectShape } from "../_shape.ts";
import { EVALUATE } from "./_attestation_evidence.ts";
import {
  ATTESTATION_KINDS,
  type AttestationExpectations,
  type AttestationItem,
  type AttestationKindName,
  TCB_FIELDS,
} from "./_attestation_model.ts";

export { ATTESTATION_KINDS, type AttestationExpectations, type AttestationItem, type AttestationKindName };

/** Which optional keys each form takes; a key outside its form's list is rejected at load. */
const SPL = (what: string) => ({ shape: { type: "integer", minimum: 0, description: what } }) as const;

const EXPECT_SHAPE: ObjectShape = {
  type: "object",
  description: "What the evidence must show beyond the checks that always run.",
  fields: {
    "debug": {
      shape: {
        type: "boolean",
        const: false,
        description: "SEV-SNP: the guest policy must forbid debugging; always enforced, stated here for readers.",
      },
    },
    "max-vmpl": {
      shape: { type: "integer", minimum: 0, description: "SEV-SNP: the highest VMPL accepted (default 3)." },
    },
    "min-tcb": {
      shape: {
        type: "object",
        description: "SEV-SNP: the minimum reported TCB, compared component by component.",
        fields: {
          bootloader: SPL("Boot loader SPL, e.g. 3."),
          tee: SPL("TEE SPL, e.g. 0."),
          snp: SPL("SNP firmware SPL, e.g. 8."),
          microcode: SPL("Microcode SPL, e.g. 115."),
          fmc: SPL("FMC SPL (Turin only)."),
        },
      },
    },
    "uvm-endorsed": {
      shape: {
        type: "boolean",
        description: "ccf-node-quote: each quote must carry a UVM endorsement (default false).",
      },
    },
    "issuers": {
      shape: {
        type: "array",
        description: "maa-token: accepted MAA instance URLs (the iss claim).",
        items: { type: "string", description: "An MAA instance URL." },
      },
    },
  },
};

const KEYS_OF: Readonly<Record<AttestationKindName, { readonly item: string[]; readonly expect: string[] }>> = {
  "ccf-node-quote": { item: ["node-id"], expect: ["debug", "max-vmpl", "min-tcb", "uvm-endorsed"] },
  "sev-snp-report": { item: ["endorsements", "uvm-endorsement"], expect: ["debug", "max-vmpl", "min-tcb"] },
  "maa-token": { item: ["certs"], expect: ["issuers"] },
};
const COMMON_KEYS = ["id", "kind", "file", "expect", "check-validity"];
const REQUIRED_OF: Readonly<Record<AttestationKindName, string | undefined>> = {
  "ccf-node-quote": undefined,
  "sev-snp-report": "endorsements",
  "maa-token": "certs",
};

function checkKeys(node: MapNode, kind: AttestationKindName, path: string, context: LoadContext): void {
  const allowed = (map: MapNode, keys: readonly string[], at: string) => {
    for (const e of map.entries) {
      if (keys.includes(e.key)) continue;
      context.fail(
        "PLAYBOOK_INVALID",
        { kind: "scalar", value: e.key, position: e.keyPosition },
        `key '${e.key}' does not apply to kind ${kind} in ${at} (${kind} takes ${keys.join(", ")})`,
      );
    }
  };
  allowed(node, [...COMMON_KEYS, ...KEYS_OF[kind].item], path);
  const expect = entry(node, "expect");
  if (expect?.kind === "map") allowed(expect, KEYS_OF[kind].expect, `${path}.expect`);
  const required = REQUIRED_OF[kind];
  if (required !== undefined && !entry(node, required)) {
    context.fail("PLAYBOOK_INVALID", node, `missing key '${required}' in ${path}: kind ${kind} needs it`);
  }
}

function readExpectations(node: MapNode): AttestationExpectations {
  const expect = entry(node, "expect");
  if (expect?.kind !== "map") return {};
  const integer = (map: MapNode, key: string) => {
    const n = entry(map, key);
    return n?.kind === "scalar" && typeof n.value === "number" ? n.value : undefined;
  };
  const maxVmpl = integer(expect, "max-vmpl");
  const tcbNode = entry(expect, "min-tcb");
  const minTcb: Record<string, number> = {};
  if (tcbNode?.kind === "map") {
    for (const [key, field] of Object.entries(TCB_FIELDS)) {
      const value = integer(tcbNode, key);
      if (value !== undefined) minTcb[field] = value;
    }
  }
  const uvm = entry(expect, "uvm-endorsed");
  return {
    ...(maxVmpl !== undefined ? { maxVmpl } : {}),
    ...(tcbNode ? { minTcb } : {}),
    ...(uvm?.kind === "scalar" && uvm.value === true ? { uvmEndorsed: true } : {}),
    ...(entry(expect, "issuers") ? { issuers: stringNodes(expect, "issuers").map((n) => n.value) } : {}),
  };
}

async function evaluateAttestation(item: AttestationItem, context: RunContext): Promise<void> {
  const bytes = await context.read(item.file);
  try {
    await EVALUATE[item.kind](item, bytes, context);
  } catch (error) {
    if (!(error instanceof AuditError)) throw error;
    context.add(finding(
      {
        id: `attestation.${item.id}.decode`,
        status: "fail",
        kind: "attestation",
        subject: item.id,
        message: error.message,
      },
      { code: error.code, details: { file: item.file.path, kind: item.kind } },
    ));
    context.publish("attestation", item.id, {}, `attestation '${item.id}' could not be read: ${error.message}`);
  }
}

/** The `attestations` kind. */
export const attestationsKind: EvidenceKind<AttestationItem> = {
  section: "attestations",
  description:
    "Attestation evidence captured from a running service (CCF node quotes, SEV-SNP reports, MAA tokens), verified offline.",
  item: {
    type: "object",
    description: "One piece of attestation evidence and what it must show.",
    fields: {
      "id": { shape: ID_SHAPE, required: true },
      "kind": {
        required: true,
        shape: { type: "string", enum: ATTESTATION_KINDS, description: "The evidence form." },
      },
      "file": {
        required: true,
        shape: {
          ...FILE_SHAPE,
          description:
            "The evidence: a /node/quotes(/self) JSON body, a raw 1184-byte report (or its base64 / hex), or an MAA JWT.",
        },
      },
      "endorsements": {
        shape: {
          ...FILE_SHAPE,
          description: "sev-snp-report (required): VCEK, ASK, ARK as a PEM bundle, THIM JSON, or its base64.",
        },
      },
      "uvm-endorsement": {
        shape: { ...FILE_SHAPE, description: "sev-snp-report: a UVM endorsement (COSE) of the launch measurement." },
      },
      "certs": { shape: { ...FILE_SHAPE, description: "maa-token (required): the captured /certs response." } },
      "node-id": {
        shape: {
          type: "string",
          description: "ccf-node-quote: the quote whose values are referenceable when the response holds several.",
          pattern: { source: "[0-9a-f]{64}", meaning: "64 lowercase hex digits" },
        },
      },
      "check-validity": {
        shape: {
          type: "boolean",
          description:
            "Check certificate validity and token expiry at the playbook's evaluation time (default true); false for evidence audited after it expired.",
        },
      },
      "expect": { shape: EXPECT_SHAPE },
    },
  },
  refs: {
    prefix: "attestation",
    fields: {
      "host-data": "bytes",
      "measurement": "bytes",
      "report-data": "bytes",
      "chip-id": "bytes",
      "mrenclave": "bytes",
      "mrsigner": "bytes",
      "uvm-measurement": "bytes",
      "uvm-svn": "number",
      "node-id": "bytes",
    },
  },
  idOf: (node) => stringNode(node, "id"),
  async build(node, path, context) {
    const kind = stringNode(node, "kind")!.value as AttestationKindName;
    checkKeys(node, kind, path, context);
    const file = async (key: string, role: string) => {
      const n = stringNode(node, key);
      return n ? { [camel(key)]: await context.evidenceFile(n, `${path}.${key}`, role) } : {};
    };
    const validity = entry(node, "check-validity");
    const nodeId = stringNode(node, "node-id")?.value;
    return {
      id: stringNode(node, "id")!.value,
      kind,
      file: await context.evidenceFile(stringNode(node, "file")!, `${path}.file`, "attestation"),
      ...await file("endorsements", "snp-endorsements"),
      ...await file("uvm-endorsement", "uvm-endorsement"),
      ...await file("certs", "maa-certs"),
      ...(nodeId !== undefined ? { nodeId } : {}),
      expect: readExpectations(node),
      checkValidity: !(validity?.kind === "scalar" && validity.value === false),
    };
  },
  async evaluate(items, context) {
    for (const item of items) await evaluateAttestation(item, context);
  },
};

function camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
