// SPDX-License-Identifier: Apache-2.0
// tests/attestd/npm/sdk.mjs: cella-attestd through @azure/attestation, as a relying party uses it.
//
// Usage (from test.mjs, with NODE_EXTRA_CA_CERTS naming the server's TLS certificate):
//   node sdk.mjs BASE_URL INPUTS_JSON
// INPUTS_JSON holds the quotes (base64url: quote, report, jsonQuote), the runtime data they
// bind (runtimeData, runtimeJson) and the service's admin bearer token (adminToken).
//
// AttestationClient: the signers (/certs) and the OpenID metadata; attestSgxEnclave with
// Binary and JSON runtime data, attestOpenEnclave, a draft policy; each token validated by
// the SDK itself (signature with the /certs key of its kid, exp, nbf, and the issuer, pinned
// to the instance URL), then the claims it maps compared with what the quote says; the SDK's
// validation shown to fail for another issuer, a changed signature and an expired token; and
// MAA's errors as the SDK reports them. AttestationAdministrationClient (which authenticates,
// so speaks only HTTPS): getPolicy, setPolicy and resetPolicy, with attestations between
// them showing the policy in force. Exits 0 when every check passes.

import { createHash, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";

import { AttestationAdministrationClient, AttestationClient } from "@azure/attestation";

const [base, inputsFile] = process.argv.slice(2);
const inputs = JSON.parse(readFileSync(inputsFile, "utf8"));
let failures = 0;
let checks = 0;
function check(condition, what) {
  checks++;
  if (!condition) {
    console.error(`FAIL: ${what}`);
    failures++;
  }
  return condition;
}

// expectRejection(promise, what, test): the call fails, and test(error) holds.
async function expectRejection(promise, what, test) {
  try {
    await promise;
    check(false, `${what}: accepted`);
  } catch (error) {
    check(test(error), `${what}: rejected, but not as expected: ${error.statusCode ?? ""} ${error.code ?? ""} ${error.message}`);
  }
}

const b64url = (bytes) => Buffer.from(bytes).toString("base64url");
const sha256 = (bytes) => createHash("sha256").update(bytes).digest();
const bytesEqual = (a, b) => a !== undefined && b !== undefined && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
const quote = Buffer.from(inputs.quote, "base64url");
const report = Buffer.from(inputs.report, "base64url");
const jsonQuote = Buffer.from(inputs.jsonQuote, "base64url");
const runtimeData = Buffer.from(inputs.runtimeData, "base64url");
const runtimeJson = Buffer.from(inputs.runtimeJson, "base64url");
const defaultPolicyHash = "bROrN897ZfWmWY2V0FLUlu3uwk5xatGnKYHn3zBbSlw";
const isMaaError = (status, code) => (e) => e.statusCode === status && e.code === code;

// Validation as a relying party sets it: every check on, the issuer pinned to the instance.
// (An options object replaces the SDK's defaults: every flag is given.)
const validation = {
  validateToken: true,
  validateExpirationTime: true,
  validateNotBeforeTime: true,
  validateIssuer: true,
  expectedIssuer: base,
  timeValidationSlack: 10,
};
const client = new AttestationClient(base, { validationOptions: validation });

// ---- AttestationClient ----------------------------------------------------------------------

try {
  // The signers: one RSA certificate named after the instance.
  const signers = await client.getAttestationSigners();
  check(signers.length === 1, `getAttestationSigners: ${signers.length} signers`);
  const signer = signers[0];
  check(typeof signer.keyId === "string" && signer.keyId.length === 44, `the signer's kid is ${signer.keyId}`);
  check(signer.certificates.length >= 1, "the signer has no certificate");
  const certificate = new X509Certificate(signer.certificates[0]);
  check(certificate.subject === `CN=${base}`, `the signing certificate's subject is ${certificate.subject}`);
  check(certificate.publicKey.asymmetricKeyType === "rsa", "the signing key is not RSA");
  // kid = standard base64 of SHA-256(PEM of the public key + NUL) (maa-api.md §4.1).
  const spkiPem = certificate.publicKey.export({ type: "spki", format: "pem" });
  check(sha256(Buffer.concat([Buffer.from(spkiPem), Buffer.from([0])])).toString("base64") === signer.keyId,
    "the kid is not base64(SHA-256(public key PEM + NUL))");

  // The OpenID metadata: what the SDK's own tests check, and the rest of §7.
  const metadata = await client.getOpenIdMetadata();
  check(metadata.issuer === base, `OpenID issuer ${metadata.issuer}`);
  check(metadata.jwks_uri === `${base}/certs`, `OpenID jwks_uri ${metadata.jwks_uri}`);
  check(Array.isArray(metadata.claims_supported) && metadata.claims_supported.includes("x-ms-sgx-mrenclave"),
    "OpenID claims_supported");
  check(JSON.stringify(metadata.id_token_signing_alg_values_supported) === '["RS256"]',
    "OpenID id_token_signing_alg_values_supported");

  // attestSgxEnclave with Binary runtime data: the token validated by the SDK, then its claims.
  const sgx = await client.attestSgxEnclave(quote, { runTimeData: runtimeData });
  const token = sgx.token;
  const result = sgx.body;
  check(token.algorithm === "RS256", `the token's alg is ${token.algorithm}`);
  check(token.keyId === signer.keyId, "the token's kid is not the signer's");
  check(token.issuer === base, `the token's issuer is ${token.issuer}`);
  check(token.expiresOn - token.issuedAt === 28800 * 1000, "the token does not live 8 hours");
  check(token.notBefore.getTime() === token.issuedAt.getTime(), "nbf is not iat");
  check(Math.abs(token.issuedAt.getTime() - Date.now()) < 60000, "iat is not now");
  check(result.issuer === base, `result issuer ${result.issuer}`);
  check(/^[0-9a-f]{64}$/.test(result.uniqueId ?? ""), `result uniqueId (jti) ${result.uniqueId}`);
  check(result.version === "1.0", `result version ${result.version}`);
  check(result.verifierType === "sgx", `result verifierType ${result.verifierType}`);
  check(bytesEqual(result.enclaveHeldData, runtimeData), "enclaveHeldData is not the runtime data");
  check(/^[0-9a-f]{64}$/.test(result.mrEnclave ?? "") && /^[0-9a-f]{64}$/.test(result.mrSigner ?? ""),
    `mrEnclave ${result.mrEnclave} / mrSigner ${result.mrSigner}`);
  // The test enclave's identity (tests/enclave/quote: product 5, SVN 3, debuggable).
  check(result.productId === 5 && result.svn === 3, `productId ${result.productId}, svn ${result.svn}`);
  check(result.isDebuggable === true, `isDebuggable ${result.isDebuggable}`);
  check(bytesEqual(result.policyHash, Buffer.from(defaultPolicyHash, "base64url")), "policyHash is not the default policy's");
  const collateral = result.sgxCollateral ?? {};
  check(collateral.quotehash === sha256(quote).toString("hex"), "sgxCollateral.quotehash is not SHA-256 of the quote");
  for (const name of ["qeidcertshash", "qeidcrlhash", "qeidhash", "tcbinfocertshash", "tcbinfocrlhash", "tcbinfohash"])
    check(/^[0-9a-f]{64}$/.test(collateral[name] ?? ""), `sgxCollateral.${name} is ${collateral[name]}`);
  const policy = result.policyClaims ?? {};
  check(policy["product-id"] === 5 && policy.svn === 3 && policy.tee === "sgx" && policy["is-debuggable"] === true &&
    policy["sgx-mrenclave"] === result.mrEnclave && policy["sgx-mrsigner"] === result.mrSigner,
    `policyClaims ${JSON.stringify(policy)}`);
  check(result.runTimeClaims === undefined, "Binary runtime data gave runTimeClaims");
  // The report data the token reports: SHA-256 of the runtime data, then zeros.
  const claims = token.getBody();
  check(claims["x-ms-sgx-report-data"] === sha256(runtimeData).toString("hex") + "00".repeat(32), "x-ms-sgx-report-data");

  // The SDK's validation can fail: another issuer; a changed signature; a time past exp.
  check(token.getTokenProblems(signers, validation).length === 0,
    `getTokenProblems: ${token.getTokenProblems(signers, validation)}`);
  const wrongIssuer = token.getTokenProblems(signers, { ...validation, expectedIssuer: "https://elsewhere.test" });
  check(wrongIssuer.some((p) => p.startsWith("Found issuer")), `another issuer: ${wrongIssuer}`);
  const text = token.serialize();
  const flippedAt = text.length - 10;
  const flipped = text.slice(0, flippedAt) + (text[flippedAt] === "A" ? "B" : "A") + text.slice(flippedAt + 1);
  const forged = new token.constructor(flipped).getTokenProblems(signers, validation);
  check(forged.includes("Attestation Token is not properly signed."), `a changed signature: ${forged}`);
  const RealDate = globalThis.Date;
  const later = RealDate.now() + 9 * 3600 * 1000;
  globalThis.Date = class extends RealDate {
    constructor(...args) {
      super(...(args.length ? args : [later]));
    }
  };
  let expired;
  try {
    expired = token.getTokenProblems(signers, validation);
  } finally {
    globalThis.Date = RealDate;
  }
  check(expired.includes("AttestationToken has expired."), `9 hours later: ${expired}`);
  // A client that expects another issuer refuses the service's tokens.
  const elsewhere = new AttestationClient(base, { validationOptions: { ...validation, expectedIssuer: "https://elsewhere.test" } });
  await expectRejection(elsewhere.attestSgxEnclave(quote, { runTimeData: runtimeData }), "a client pinned to another issuer",
    (e) => /Found issuer/.test(e.message));

  // JSON runtime data: x-ms-runtime, no enclave-held data (what the SDK's live tests check).
  const json = await client.attestSgxEnclave(jsonQuote, { runTimeJson: runtimeJson });
  check(json.body.runTimeClaims?.jwk?.crv === "P-256", `runTimeClaims ${JSON.stringify(json.body.runTimeClaims)}`);
  check(json.body.enclaveHeldData === undefined, "JSON runtime data gave enclaveHeldData");

  // attestOpenEnclave: the report (OE header and quote) in "report".
  const oe = await client.attestOpenEnclave(report, { runTimeData: runtimeData });
  check(bytesEqual(oe.body.enclaveHeldData, runtimeData) && oe.body.mrEnclave === result.mrEnclave,
    "attestOpenEnclave: not the same enclave and data");

  // A draft policy: an unsigned token, which the SDK accepts, with the draft's hash.
  const draftText = "version=1.0; authorizationrules{=> permit();}; issuancerules{};";
  const draft = await client.attestSgxEnclave(quote, { runTimeData: runtimeData, draftPolicyForAttestation: draftText });
  check(draft.token.algorithm === "none", `a draft policy's token has alg ${draft.token.algorithm}`);
  check(bytesEqual(draft.body.policyHash, sha256(Buffer.from(b64url(Buffer.from(draftText))))), "the draft policy's hash");
  check(JSON.stringify(draft.body.policyClaims) === "{}", `the draft policy's claims ${JSON.stringify(draft.body.policyClaims)}`);

  // MAA's errors, as the SDK reports them: other runtime data; a flipped quote byte; a
  // draft policy that does not parse.
  await expectRejection(client.attestSgxEnclave(quote, { runTimeData: Buffer.from("other data") }),
    "other runtime data", isMaaError(400, "InvalidParameter"));
  const changed = Buffer.from(quote);
  changed[112] ^= 1; // a byte of MRENCLAVE (report body at 48, MRENCLAVE at 64 in it)
  await expectRejection(client.attestSgxEnclave(changed, { runTimeData: runtimeData }),
    "a quote with a flipped MRENCLAVE byte", isMaaError(400, "InvalidParameter"));
  await expectRejection(client.attestSgxEnclave(quote, { draftPolicyForAttestation: "version=1.0; nothing" }),
    "a draft policy that does not parse", isMaaError(400, "PolicyParsingError"));
  await expectRejection(client.attestSgxEnclave(quote, { runTimeData: runtimeData, draftPolicyForAttestation: "version=1.0; authorizationrules{=> deny();}; issuancerules{};" }),
    "a draft policy that denies", isMaaError(400, "PolicyEvaluationError"));
} catch (error) {
  check(false, `AttestationClient failed: ${error.statusCode ?? ""} ${error.code ?? ""} ${error.stack ?? error}`);
}

// ---- AttestationAdministrationClient ----------------------------------------------------------

const credential = (token) => ({
  getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600 * 1000 }),
});
const admin = new AttestationAdministrationClient(base, credential(inputs.adminToken), { validationOptions: validation });

try {
  // The default policy.
  const initial = await admin.getPolicy("SgxEnclave");
  check(initial.body.startsWith("version= 1.0;authorizationrules{=> permit();};"), `getPolicy: ${initial.body}`);
  check(initial.token.issuer === base && initial.token.algorithm === "RS256", "getPolicy's token");

  // setPolicy: a policy of the test's own, in force for the next attestation.
  const custom =
    'version=1.0; authorizationrules{ c:[type=="x-ms-sgx-product-id", value==5] => permit(); }; ' +
    'issuancerules{ c:[type=="x-ms-sgx-svn"] => issue(type="my-svn", value=c.value); };';
  const set = await admin.setPolicy("SgxEnclave", custom);
  check(set.body.policyResolution === "Updated", `setPolicy: policyResolution ${set.body.policyResolution}`);
  // The token hash is SHA-256 of the JWS the SDK sent: {"alg":"none"} and the stored policy.
  const sent = `${b64url('{"alg":"none"}')}.${b64url(JSON.stringify({ AttestationPolicy: b64url(custom) }))}.`;
  check(bytesEqual(set.body.policyTokenHash, sha256(sent)), "setPolicy: policyTokenHash is not SHA-256 of the policy JWS");
  const stored = await admin.getPolicy("SgxEnclave");
  check(stored.body === custom, `getPolicy after setPolicy: ${stored.body}`);
  const after = await client.attestSgxEnclave(quote, { runTimeData: runtimeData });
  check(JSON.stringify(after.body.policyClaims) === '{"my-svn":3}', `claims under the new policy: ${JSON.stringify(after.body.policyClaims)}`);
  check(bytesEqual(after.body.policyHash, sha256(b64url(custom))), "the new policy's hash");

  // A policy that denies; then resetPolicy brings the default back.
  await admin.setPolicy("SgxEnclave", "version=1.0; authorizationrules{ => deny(); }; issuancerules{};");
  await expectRejection(client.attestSgxEnclave(quote, { runTimeData: runtimeData }), "an attestation under a denying policy",
    isMaaError(400, "PolicyEvaluationError"));
  const reset = await admin.resetPolicy("SgxEnclave");
  check(reset.body.policyResolution === "Removed", `resetPolicy: policyResolution ${reset.body.policyResolution}`);
  const restored = await client.attestSgxEnclave(quote, { runTimeData: runtimeData });
  check(b64url(restored.body.policyHash) === defaultPolicyHash, "after resetPolicy the default policy is not back");

  // Policy management certificates: none on an instance that is not Isolated.
  const managers = await admin.getPolicyManagementCertificates();
  check(Array.isArray(managers.body) && managers.body.length === 0,
    `getPolicyManagementCertificates: ${JSON.stringify(managers.body)}`);

  // Another bearer token may not change policies.
  const stranger = new AttestationAdministrationClient(base, credential("not the admin token"), { validationOptions: validation });
  await expectRejection(stranger.setPolicy("SgxEnclave", custom), "a policy change with another bearer token",
    isMaaError(401, "Unauthorized"));
} catch (error) {
  check(false, `AttestationAdministrationClient failed: ${error.statusCode ?? ""} ${error.code ?? ""} ${error.stack ?? error}`);
}
console.log(`over HTTPS: ${checks - failures} of ${checks} checks passed`);
process.exit(failures === 0 ? 0 : 1);
