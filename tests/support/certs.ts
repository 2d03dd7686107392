/**
 * Certificates made with openssl at test time: a CA, a server certificate for
 * a name and 127.0.0.1, and a client certificate for mutual TLS.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** Paths of the PEM files of one CA and the certificates it signed. */
export interface TestPki {
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

/** Makes a CA named `name` in `dir` and signs a server (for `serverName`) and a client certificate. */
export function makePki(dir: string, name: string, serverName: string): TestPki {
  const f = (suffix: string) => join(dir, `${name}-${suffix}`);
  openssl(dir, [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    `/CN=${name} test CA`,
    "-keyout",
    f("ca.key"),
    "-out",
    f("ca.pem"),
  ]);
  writeFileSync(
    f("server.ext"),
    `subjectAltName=DNS:${serverName},IP:127.0.0.1\nextendedKeyUsage=serverAuth\n`,
  );
  writeFileSync(f("client.ext"), "extendedKeyUsage=clientAuth\n");
  for (const [who, subject] of [["server", serverName], ["client", "drydock test client"]]) {
    openssl(dir, [
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-subj",
      `/CN=${subject}`,
      "-keyout",
      f(`${who}.key`),
      "-out",
      f(`${who}.csr`),
    ]);
    openssl(dir, [
      "x509",
      "-req",
      "-in",
      f(`${who}.csr`),
      "-CA",
      f("ca.pem"),
      "-CAkey",
      f("ca.key"),
      "-CAcreateserial",
      "-days",
      "1",
      "-extfile",
      f(`${who}.ext`),
      "-out",
      f(`${who}.pem`),
    ]);
  }
  return {
    ca: f("ca.pem"),
    serverCert: f("server.pem"),
    serverKey: f("server.key"),
    clientCert: f("client.pem"),
    clientKey: f("client.key"),
  };
}
