/**
 * Impostors for the TLS specs: servers on 127.0.0.1 that speak just enough of the MySQL or the
 * PostgreSQL protocol to offer TLS with a certificate of their choosing and then ask the client for
 * its password in clear text over that TLS (MySQL: `caching_sha2_password` "perform full
 * authentication"; PostgreSQL: `AuthenticationCleartextPassword`). Whatever password reaches them
 * is recorded: a client that verifies the server must never get that far.
 *
 * Certificates are made with the `openssl` command (`.ci/mariadb.sh` installs it) in a temporary
 * directory: a self-signed one for 127.0.0.1 (the impostor of issue 11), and a CA of their own with
 * a certificate for 127.0.0.1 and one for another name, for the hostname check.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Duplex } from "node:stream";
import * as tls from "node:tls";

/** A certificate and its key, PEM. */
export interface KeyPair {
  cert: string;
  key: string;
}

/** The impostors' certificates. */
export interface ImpostorCertificates {
  /** Self-signed, for IP 127.0.0.1. */
  selfSigned: KeyPair;
  /** The impostors' own CA (PEM). */
  ca: string;
  /** Signed by `ca`, for IP 127.0.0.1. */
  signedForLoopback: KeyPair;
  /** Signed by `ca`, for DNS name db.elsewhere.example only. */
  signedForOtherName: KeyPair;
}

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

let made: ImpostorCertificates | undefined;

/** Makes the certificates once per process. */
export function impostorCertificates(): ImpostorCertificates {
  if (made !== undefined) return made;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "clickpipes-impostor-"));
  try {
    const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
    const ext = (name: string, san: string) => fs.writeFileSync(path.join(dir, name), `subjectAltName=${san}\n`);
    openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "self.key", "-out", "self.pem"], dir);
    openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=clickpipes-impostor-ca", "-keyout", "ca.key", "-out", "ca.pem"], dir);
    for (const [name, san] of [
      ["loopback", "IP:127.0.0.1"],
      ["other", "DNS:db.elsewhere.example"],
    ]) {
      openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${name}`, "-keyout", `${name}.key`, "-out", `${name}.csr`], dir);
      ext(`${name}.ext`, san);
      openssl(["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-extfile", `${name}.ext`, "-out", `${name}.pem`], dir);
    }
    made = {
      selfSigned: { cert: read("self.pem"), key: read("self.key") },
      ca: read("ca.pem"),
      signedForLoopback: { cert: read("loopback.pem"), key: read("loopback.key") },
      signedForOtherName: { cert: read("other.pem"), key: read("other.key") },
    };
    return made;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A running impostor. */
export interface Impostor {
  readonly port: number;
  /** Every password a client sent, in order. */
  readonly passwords: string[];
  close(): Promise<void>;
}

/** Reads length-prefixed packets from a stream of chunks. */
class Framer {
  private buffered = Buffer.alloc(0);
  constructor(
    /** Header length and how to read the payload length from it. */
    private readonly headerLength: number,
    private readonly payloadLength: (header: Buffer) => number,
    private readonly onPacket: (header: Buffer, payload: Buffer) => void,
  ) {}
  push(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= this.headerLength) {
      const header = this.buffered.subarray(0, this.headerLength);
      const total = this.headerLength + this.payloadLength(header);
      if (this.buffered.length < total) return;
      const payload = this.buffered.subarray(this.headerLength, total);
      this.buffered = this.buffered.subarray(total);
      this.onPacket(header, payload);
    }
  }
}

function listen(server: net.Server, passwords: string[]): Promise<Impostor> {
  const sockets = new Set<net.Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => undefined);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        passwords,
        close: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A MySQL packet: 3-byte length, sequence number, payload. */
function mysqlPacket(seq: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header[3] = seq;
  return Buffer.concat([header, payload]);
}

/** Capability flags the impostor offers: protocol 4.1, TLS, secure connection, plugin auth. */
const MYSQL_CAPABILITIES = 0x1 | 0x4 | 0x8 | 0x200 | 0x800 | 0x2000 | 0x8000 | 0x20000 | 0x80000 | 0x200000;

/** The MySQL server greeting (HandshakeV10) naming `caching_sha2_password`. */
function mysqlGreeting(): Buffer {
  const scramble = Buffer.from("0123456789abcdefghij");
  const u16 = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff]);
  const u32 = Buffer.alloc(4);
  u32.writeUInt32LE(7);
  return mysqlPacket(
    0,
    Buffer.concat([
      Buffer.from([10]),
      Buffer.from("8.0.36-impostor\0"),
      u32,
      scramble.subarray(0, 8),
      Buffer.from([0]),
      u16(MYSQL_CAPABILITIES & 0xffff),
      Buffer.from([33]),
      u16(2),
      u16(MYSQL_CAPABILITIES >>> 16),
      Buffer.from([21]),
      Buffer.alloc(10),
      scramble.subarray(8, 20),
      Buffer.from([0]),
      Buffer.from("caching_sha2_password\0"),
    ]),
  );
}

/**
 * A MySQL impostor: greets, accepts the client's TLS request with `key`, then answers the login
 * with "perform full authentication", to which a client on TLS replies with the password in clear.
 */
export function startMySqlImpostor(key: KeyPair): Promise<Impostor> {
  const passwords: string[] = [];
  const server = net.createServer((socket) => {
    socket.write(mysqlGreeting());
    // The client's SSLRequest is one packet of 32 bytes; its TLS ClientHello may follow in the same chunk.
    let pending = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (pending.length < 4 + 32) return;
      socket.off("data", onData);
      // TLS over a stream that first replays what came after the SSLRequest (a TLSSocket on the
      // socket itself would read its handle directly and miss those bytes).
      const replay = new Duplex({
        read() {},
        write(chunk: Buffer, _encoding, done) {
          socket.write(chunk, done);
        },
      });
      replay.push(pending.subarray(4 + 32));
      socket.on("data", (c: Buffer) => replay.push(c));
      socket.on("end", () => replay.push(null));
      const secure = new tls.TLSSocket(replay, { isServer: true, cert: key.cert, key: key.key });
      secure.on("error", () => socket.destroy());
      let step = 0;
      const framer = new Framer(4, (h) => h.readUIntLE(0, 3), (header, payload) => {
        const seq = header[3];
        if (step === 0) {
          // HandshakeResponse41 with the fast-auth token: ask for the full password instead.
          step = 1;
          secure.write(mysqlPacket(seq + 1, Buffer.from([0x01, 0x04])));
        } else if (step === 1) {
          step = 2;
          passwords.push(payload.toString("utf8").replace(/\0$/, ""));
          const message = Buffer.from("Access denied (impostor)");
          secure.end(mysqlPacket(seq + 1, Buffer.concat([Buffer.from([0xff, 0x15, 0x04]), Buffer.from("#28000"), message])));
        }
      });
      secure.on("data", (c: Buffer) => framer.push(c));
    };
    socket.on("data", onData);
  });
  return listen(server, passwords);
}

/**
 * A PostgreSQL impostor: answers the client's SSLRequest with "S", does TLS with `key`, then asks
 * for the password in clear (`AuthenticationCleartextPassword`).
 */
export function startPostgresImpostor(key: KeyPair): Promise<Impostor> {
  const passwords: string[] = [];
  const server = net.createServer((socket) => {
    // SSLRequest: length 8, code 80877103.
    socket.once("data", (chunk: Buffer) => {
      if (chunk.length !== 8 || chunk.readInt32BE(4) !== 80877103) {
        socket.destroy();
        return;
      }
      socket.write("S");
      const secure = new tls.TLSSocket(socket, { isServer: true, cert: key.cert, key: key.key });
      secure.on("error", () => socket.destroy());
      let startup = true;
      // The startup message has no type byte; every later message has one.
      const framer = new Framer(
        5,
        (h) => (startup ? h.readInt32BE(0) - 5 : h.readInt32BE(1) - 4),
        (header, payload) => {
          if (startup) {
            startup = false;
            const ask = Buffer.alloc(9);
            ask.write("R", 0);
            ask.writeInt32BE(8, 1);
            ask.writeInt32BE(3, 5);
            secure.write(ask);
            return;
          }
          if (header.toString("latin1", 0, 1) !== "p") return;
          passwords.push(payload.toString("utf8").replace(/\0$/, ""));
          const fields = Buffer.from("SFATAL\0C28P01\0Mpassword authentication failed (impostor)\0\0");
          const error = Buffer.alloc(5);
          error.write("E", 0);
          error.writeInt32BE(4 + fields.length, 1);
          secure.end(Buffer.concat([error, fields]));
        },
      );
      secure.on("data", (c: Buffer) => framer.push(c));
    });
  });
  return listen(server, passwords);
}
