/**
 * Service API attestation, verified offline (spec `attestation.md`): AMD SEV-SNP reports and their VCEK → ASK →
 * ARK chains to the pinned AMD roots, CCF node quotes, UVM endorsements (legacy COSE and MST forms), attested
 * service statements (`did:attestedsvc`), MAA tokens and the SGX quote in the MAA signing certificate.
 *
 * Every verifier returns a result that lists its checks and the first failure as a coded problem; only input
 * that cannot be read at all throws an `AuditError`. Time checks run only when `validAt` is given, and a root
 * that is not AMD's is trusted only when named in `extraRoots`, and is then flagged (`root.amd === false`).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { AMD_ROOTS, parseSnpReport, snpBindingValues } from "./mod.ts";
 * const bytes = new Uint8Array(1184);
 * bytes[0] = 2; // version 2
 * const report = parseSnpReport(bytes);
 * assert(snpBindingValues(report)["host-data"] === "00".repeat(32));
 * assert(AMD_ROOTS.map((root) => root.product).join() === "Milan,Genoa,Turin");
 * ```
 *
 * @module
 */

export {
  AMD_PRODUCTS,
  AMD_ROOTS,
  type AmdProduct,
  amdProduct,
  checkExtraRoot,
  type ExtraRoot,
  matchPinnedRoot,
  type MatchRootOptions,
  type PinnedAmdRoot,
  type RootMatch,
} from "./amd_roots.ts";
export {
  type GuestPolicy,
  parseGuestPolicy,
  parseSnpReport,
  parseTcbVersion,
  SNP_REPORT_SIZE,
  SNP_SIGNED_LENGTH,
  type SnpReport,
  snpReportBytes,
  type SnpSignerInfo,
  type SnpSigningKey,
  type TcbVersion,
} from "./sev_snp_report.ts";
export {
  parseSnpEndorsements,
  readVcekExtensions,
  type SnpEndorsements,
  type VcekExtensions,
  type VcekTcb,
} from "./snp_endorsements.ts";
export {
  type MinimumTcb,
  snpBindingValues,
  type SnpCheck,
  snpReportChecks,
  type SnpVerification,
  type VerifySnpOptions,
  verifySnpReport,
} from "./sev_snp_verify.ts";
export {
  CCF_DEFAULT_UVM_ROOTS,
  matchUvmRoot,
  type UvmEndorsement,
  uvmEndorsementCheck,
  type UvmRoot,
  verifyUvmEndorsement,
  type VerifyUvmOptions,
} from "./uvm_endorsement.ts";
export {
  ccfNodeId,
  type NodeQuote,
  type NodeQuoteResult,
  type NodeQuotesDocument,
  type NodeQuotesVerification,
  parseNodeQuotes,
  SNP_QUOTE_FORMAT,
  verifyNodeQuotes,
  type VerifyNodeQuotesOptions,
} from "./ccf_node_quotes.ts";
export {
  type AttestedServiceVerification,
  ATTESTEDSVC_LABEL,
  ec2ThumbprintInput,
  LEGACY_ATTESTEDSVC_LABEL,
  verifyAttestedService,
} from "./attested_service.ts";
export { parseOpenEnclaveEvidence, parseSgxQuote, type SgxQuote, type SgxReportBody } from "./sgx_quote.ts";
export {
  type DecodedMaaToken,
  decodeMaaToken,
  enclaveReportDataMatchesKid,
  MAA_QUOTE_EXTENSION,
  type MaaClaims,
  maaEnclaveQuote,
  type MaaSigningKey,
  maaTokenChecks,
  type MaaTokenVerification,
  parseMaaCerts,
  type VerifyMaaOptions,
  verifyMaaToken,
} from "./maa_token.ts";
export {
  type AttestationDescription,
  type AttestationDescriptionKind,
  attestationKindOf,
  describeAttestation,
  describeMaaToken,
  describeNodeQuotes,
  describeSnpReport,
} from "./describe.ts";
