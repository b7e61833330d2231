// The Prism host: one Node process that runs any number of Prism servers (mocks and validating
// proxies), each from its own spec, with Prism's own library (@stoplight/prism-http-server) rather
// than one `prism` CLI process per server. Loading Prism is most of a Prism's start-up (~1.4 s of
// CPU here, against ~0.1 s to load a spec and listen), so a run that needs twelve servers pays it
// once (docs/decisions/0012-one-prism-host.md).
//
// Plain CommonJS, run by `node` with nothing to compile, so it starts the same from src/ under tsx,
// from dist/ and from a user's node_modules. Started by src/mock/prism.ts as
//   node prism-host.cjs <path of @stoplight/prism-cli/package.json>
// It prints one line, `prism-host: ready <control URL>`, then takes commands on that loopback URL,
// each with `authorization: Bearer <token>` (the token is in the URL's hash; other local processes
// cannot drive it without it):
//   POST   /sessions              a session: the answer stays open while the client lives; when its
//                                 connection closes (the client exited, SIGKILL included) the
//                                 session's servers stop. Its first line is {"session": id}.
//   POST   /servers               {session, name, mode, spec, upstream?, host, port, errors, verbose}
//                                 201 {id, url, port} | 409 {code: "EADDRINUSE", message} | 500 {message}
//   DELETE /servers/<id>          stops one server; 204
// The host exits when its stdin ends: the process that started it has gone, however it died.
"use strict";
const { createServer: createHttpServer } = require("node:http");
const { randomBytes } = require("node:crypto");
const { createRequire } = require("node:module");
const { dirname, join } = require("node:path");
const { Writable } = require("node:stream");

const [prismCliManifest] = process.argv.slice(2);
if (!prismCliManifest) {
  process.stderr.write("prism-host: usage: node prism-host.cjs <@stoplight/prism-cli/package.json>\n");
  process.exit(2);
}
/**
 * Prism's packages as the installed CLI resolves them, so the host runs the very Prism the CLI
 * would. Loaded once, after the control server listens: the load is most of the host's start-up
 * (~1.4 s of CPU), and a client that starts the host can get on with other work meanwhile (a test
 * run's first files need no Prism); a command that arrives during the load waits for it.
 */
let prism;
function loadPrism() {
  if (!prism) {
    const requirePrism = createRequire(prismCliManifest);
    prism = {
      createPrismServer: requirePrism("@stoplight/prism-http-server").createServer,
      getHttpOperationsFromSpec: requirePrism("@stoplight/prism-http").getHttpOperationsFromSpec,
      createLogger: requirePrism("@stoplight/prism-core").createLogger,
      configureExtensionsUserProvided: require(join(dirname(prismCliManifest), "dist/extensions.js"))
        .configureExtensionsUserProvided,
    };
  }
  return prism;
}

const MAX_LOG_LINES = 40;
const token = randomBytes(24).toString("hex");
/** id -> { name, session, server, log: string[] } */
const servers = new Map();
/** session id -> Set of server ids */
const sessions = new Map();
let nextId = 1;

/**
 * A pino destination for one server: keeps its last lines for error messages and, when verbose,
 * prints each as `[name] …` on stdout, in the CLI's shape (`[HTTP SERVER] post /path info …`).
 */
function logDestination(entry, verbose) {
  return new Writable({
    write(chunk, _encoding, done) {
      for (const raw of chunk.toString("utf8").split("\n")) {
        if (raw.trim() === "") continue;
        let line = raw;
        try {
          const record = JSON.parse(raw);
          const request = record.input ? ` ${record.input.method} ${record.input.url?.path ?? ""}` : "";
          line = `[${record.name ?? "PRISM"}]${request} ${record.level ?? ""} ${record.msg ?? ""}`;
        } catch {
          // Not JSON: keep the line as it is.
        }
        entry.log.push(line);
        if (entry.log.length > MAX_LOG_LINES) entry.log.shift();
        if (verbose) process.stdout.write(`[${entry.name}] ${line}\n`);
      }
      done();
    },
  });
}

/** Starts one Prism server the way `prism mock|proxy` would with our flags; resolves to its address. */
async function startServer(request) {
  const { name, session } = request;
  const entry = { name, session, server: undefined, log: [] };
  try {
    return await listen(entry, request);
  } catch (error) {
    // What Prism logged before it failed says why; the client puts it in its error.
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), {
      log: entry.log.join("\n"),
    });
  }
}

async function listen(entry, { mode, spec, upstream, host, port, errors, verbose }) {
  const { createPrismServer, getHttpOperationsFromSpec, createLogger, configureExtensionsUserProvided } =
    loadPrism();
  const operations = await getHttpOperationsFromSpec(spec);
  if (operations.length === 0) throw new Error(`${spec}: no operations found`);
  await configureExtensionsUserProvided(spec, {});
  const shared = {
    validateRequest: true,
    validateResponse: true,
    checkSecurity: true,
    errors: Boolean(errors),
    upstreamProxy: undefined,
    mock: { dynamic: false, ignoreExamples: false },
  };
  const config =
    mode === "proxy"
      ? { ...shared, isProxy: true, upstream: new URL(upstream) }
      : { ...shared, isProxy: false };
  // Levels by name, as the CLI logs them (its createServer.js), not pino's numbers.
  const logger = createLogger(
    "CLI",
    { level: verbose ? "info" : "warn", formatters: { level: (label) => ({ level: label }) } },
    logDestination(entry, verbose),
  );
  const server = createPrismServer(operations, {
    cors: true,
    config,
    components: { logger: logger.child({ name: "HTTP SERVER" }) },
  });
  await server.listen(port, host);
  entry.server = server;
  if (!sessions.has(entry.session)) {
    // The client went away while this server was starting: nobody can stop it but us.
    await server.close().catch(() => {});
    throw new Error(`session ${entry.session} ended before ${entry.name} listened`);
  }
  const id = String(nextId++);
  servers.set(id, entry);
  sessions.get(entry.session)?.add(id);
  return id;
}

async function stopServer(id) {
  const entry = servers.get(id);
  if (!entry) return;
  servers.delete(id);
  sessions.get(entry.session)?.delete(id);
  // close() waits for open connections; a client's keep-alive socket must not hold a stop up.
  await Promise.race([
    entry.server.close().catch(() => {}),
    new Promise((r) => setTimeout(r, 2_000).unref()),
  ]);
}

function readJson(request) {
  return new Promise((resolve, reject) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      try {
        resolve(JSON.parse(body));
      } catch (error) {
        reject(error);
      }
    });
    request.on("error", reject);
  });
}

function reply(response, status, body) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(body === undefined ? undefined : JSON.stringify(body));
}

const control = createHttpServer(async (request, response) => {
  if (request.headers.authorization !== `Bearer ${token}`)
    return reply(response, 401, { message: "no token" });
  const path = request.url ?? "";
  try {
    if (request.method === "POST" && path === "/sessions") {
      const session = String(nextId++);
      sessions.set(session, new Set());
      response.writeHead(200, { "content-type": "application/x-ndjson" });
      response.write(`${JSON.stringify({ session })}\n`);
      // The session lives as long as this exchange: its end is the client's end.
      response.on("close", () => {
        const ids = sessions.get(session) ?? new Set();
        sessions.delete(session);
        for (const id of ids) void stopServer(id);
      });
      return;
    }
    if (request.method === "POST" && path === "/servers") {
      const body = await readJson(request);
      try {
        const id = await startServer(body);
        return reply(response, 201, { id });
      } catch (error) {
        const message = error.message;
        if (/EADDRINUSE/.test(message)) return reply(response, 409, { code: "EADDRINUSE", message });
        return reply(response, 500, { message, log: error.log ?? "" });
      }
    }
    const stop = /^\/servers\/([^/]+)$/.exec(path);
    if (request.method === "DELETE" && stop) {
      await stopServer(stop[1]);
      return reply(response, 204);
    }
    reply(response, 404, { message: `no ${request.method} ${path}` });
  } catch (error) {
    reply(response, 500, { message: error?.message ?? String(error) });
  }
});

// Idle keep-alive sockets of the control server must not keep a stopping host alive.
control.keepAliveTimeout = 1_000;
control.listen(0, "127.0.0.1", () => {
  const { port } = control.address();
  // A write to a pipe is synchronous on Linux and macOS: the line is out before the load blocks.
  process.stdout.write(`prism-host: ready http://127.0.0.1:${port}/#${token}\n`);
  setImmediate(() => {
    try {
      loadPrism();
    } catch {
      // Reported to the first command, whose start calls loadPrism() again and fails with it.
    }
  });
});

function exit() {
  process.exit(0);
}
process.stdin.on("end", exit);
process.stdin.on("error", exit);
process.stdin.resume();
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, exit);
