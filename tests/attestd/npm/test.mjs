// SPDX-License-Identifier: Apache-2.0
// tests/attestd/npm/test.mjs: cella-attestd checked with the Azure SDK's JavaScript client.
//
// Usage: node test.mjs CELLA_ATTESTD CELLA ATTESTD_QUOTE
//
// A software-TEE platform exports its collateral; tests/attestd/quote.c makes quotes that bind
// runtime data; cella-attestd serves them on 127.0.0.1 in dev mode. @azure/attestation, as
// pinned in package.json and package-lock.json, is then the client:
//   - over HTTPS (sdk.mjs, a node of its own started with NODE_EXTRA_CA_CERTS naming the
//     certificate made here): everything, as a relying party uses it (MAA is HTTPS, and the
//     SDK's HTTP stack refuses http URLs unless told allowInsecureConnection);
//   - over plain HTTP on loopback (here, with allowInsecureConnection): one attestation and
//     the signers, as a client next to the service behind a TLS-terminating proxy sees it.
//
// Exits 0 when every check passes, 1 otherwise, and 77 ("not run") when the SDK's
// node_modules were not installed (scripts/install-deps installs them): nothing is
// downloaded at test time.

import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SKIP = 77;
const here = dirname(fileURLToPath(import.meta.url));
const [attestd, cella, quoteTool] = process.argv.slice(2);
if (!attestd || !cella || !quoteTool) {
  console.error("usage: node test.mjs CELLA_ATTESTD CELLA ATTESTD_QUOTE");
  process.exit(2);
}
if (!existsSync(join(here, "node_modules", "@azure", "attestation", "package.json"))) {
  console.log("not run: node_modules missing, run scripts/install-deps");
  process.exit(SKIP);
}
// The SDK's dependencies, as package-lock.json pins them (overrides keep Debian 12's
// Node.js 18 working), need Node.js 18 or later.
if (Number(process.versions.node.split(".")[0]) < 18) {
  console.log(`not run: Node.js ${process.versions.node}; the SDK's packages need 18 or later`);
  process.exit(SKIP);
}
const { AttestationClient } = await import("@azure/attestation");

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

// ---- the platform, its quotes -------------------------------------------------------------

const work = mkdtempSync(join(tmpdir(), "cella-attestd-npm-"));
const daemons = [];
process.on("exit", () => {
  for (const daemon of daemons) if (daemon.exitCode === null && daemon.signalCode === null) daemon.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

const env = { ...process.env, CELLA_STATE_DIR: join(work, "platform") };
function run(command, args) {
  const result = spawnSync(command, args, { env, encoding: "utf8" });
  if (result.status !== 0) {
    console.error(`FAIL: ${command} ${args.join(" ")}: ${result.stderr}${result.error ?? ""}`);
    process.exit(1);
  }
  return result.stdout.trim();
}
run(cella, ["platform", "export", "--out", join(work, "collateral")]);
const root = join(work, "collateral", "root-ca.pem");

// quoteOf(name, bytes, flags): the evidence binding SHA-256(bytes), in base64url.
function quoteOf(name, bytes, ...flags) {
  writeFileSync(join(work, name), bytes);
  return run(quoteTool, [...flags, join(work, name)]);
}
const runtimeData = Buffer.from("runtime data bound by the enclave, sent by the SDK");
const runtimeJson = Buffer.from('{"jwk":{"crv":"P-256","kty":"EC","use":"sig","x":"AAA","y":"BBB"}}');
const inputs = {
  runtimeData: runtimeData.toString("base64url"),
  runtimeJson: runtimeJson.toString("base64url"),
  quote: quoteOf("data", runtimeData),
  report: quoteOf("data", runtimeData, "--oe"),
  jsonQuote: quoteOf("json", runtimeJson),
  adminToken: "an admin token of the test's own",
};
writeFileSync(join(work, "inputs.json"), JSON.stringify(inputs));

// ---- the daemon -----------------------------------------------------------------------------

// start(args): cella-attestd with args on a free port of 127.0.0.1, as e2e.sh starts it:
// waits for its "listening on URL as ..." line; resolves to { daemon, base, text }.
function start(args) {
  const daemon = spawn(attestd, ["--port", "0", ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  daemons.push(daemon);
  let text = "";
  const keep = (chunk) => {
    text += chunk;
  };
  daemon.stdout.setEncoding("utf8").on("data", keep);
  daemon.stderr.setEncoding("utf8").on("data", keep);
  return new Promise((resolve) => {
    const failStart = (why) => {
      console.error(text.replace(/^/gm, "  log: "));
      console.error(`FAIL: cella-attestd did not start (${why}) with: ${args.join(" ")}`);
      process.exit(1);
    };
    const timer = setTimeout(() => failStart("it did not say where it listens"), 10000);
    const look = () => {
      const found = /^cella-attestd: listening on (\S+) as /m.exec(text);
      if (found) {
        clearTimeout(timer);
        daemon.stderr.off("data", look);
        resolve({ daemon, base: found[1], text: () => text });
      }
    };
    daemon.on("exit", (code) => {
      if (!/listening on/.test(text)) failStart(`exit ${code}`);
    });
    daemon.stderr.on("data", look);
  });
}

// stop(server): SIGTERM; it must exit 0 without a sanitizer report.
function stop(server) {
  return new Promise((resolve) => {
    const finish = (code, signal) => {
      const clean = code === 0 && !/Sanitizer/.test(server.text());
      if (!check(clean, `cella-attestd did not stop cleanly (exit ${code}, signal ${signal})`))
        console.error(server.text().split("\n").slice(-40).join("\n").replace(/^/gm, "  log: "));
      resolve();
    };
    if (server.daemon.exitCode !== null || server.daemon.signalCode !== null) {
      finish(server.daemon.exitCode, server.daemon.signalCode);
      return;
    }
    server.daemon.on("exit", finish);
    server.daemon.kill("SIGTERM");
  });
}

const state = join(work, "state");
mkdirSync(state, { mode: 0o700 });
const common = ["--state-dir", state, "--collateral", join(work, "collateral"), "--dev", "--trust-software-tee-root", root];

// ---- HTTPS: everything, in a node that trusts the server's certificate ----------------------

const tlsKey = join(work, "tls.key");
const tlsCert = join(work, "tls.crt");
run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", tlsKey, "-out", tlsCert, "-days", "2",
  "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]);
writeFileSync(join(work, "admin-token"), `${inputs.adminToken}\n`, { mode: 0o600 });
const tls = await start([...common, "--tls-cert", tlsCert, "--tls-key", tlsKey, "--admin-token-file", join(work, "admin-token")]);
if (check(tls.base.startsWith("https://127.0.0.1:"), `with TLS the instance is ${tls.base}`)) {
  const sdk = spawnSync(process.execPath, [join(here, "sdk.mjs"), tls.base, join(work, "inputs.json")], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: tlsCert },
    encoding: "utf8",
    timeout: 240000,
  });
  process.stdout.write(sdk.stdout ?? "");
  process.stderr.write(sdk.stderr ?? "");
  check(sdk.status === 0, `sdk.mjs over HTTPS: exit ${sdk.status} ${sdk.error ?? ""}`);
}
await stop(tls);

// ---- plain HTTP on loopback ----------------------------------------------------------------

const http = await start(common);
check(http.base.startsWith("http://127.0.0.1:"), `without TLS the instance is ${http.base}`);
try {
  const client = new AttestationClient(http.base, {
    allowInsecureConnection: true,
    validationOptions: {
      validateToken: true,
      validateExpirationTime: true,
      validateNotBeforeTime: true,
      validateIssuer: true,
      expectedIssuer: http.base,
      timeValidationSlack: 10,
    },
  });
  const signers = await client.getAttestationSigners();
  const result = await client.attestSgxEnclave(Buffer.from(inputs.quote, "base64url"), { runTimeData: runtimeData });
  check(result.token.keyId === signers[0]?.keyId && result.body.issuer === http.base, "HTTP: the token is not the instance's");
  check(Buffer.compare(Buffer.from(result.body.enclaveHeldData ?? []), runtimeData) === 0, "HTTP: enclaveHeldData");
  const quoteHash = createHash("sha256").update(Buffer.from(inputs.quote, "base64url")).digest("hex");
  check(result.body.sgxCollateral?.quotehash === quoteHash, "HTTP: quotehash");
} catch (error) {
  check(false, `the SDK failed over HTTP: ${error.statusCode ?? ""} ${error.code ?? ""} ${error.stack ?? error}`);
}
await stop(http);

if (failures !== 0) {
  console.error(`${failures} check(s) failed`);
  process.exit(1);
}
console.log(`cella-attestd with @azure/attestation: all checks passed (${checks} here)`);
