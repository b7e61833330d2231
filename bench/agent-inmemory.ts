/**
 * The agent servers' CPU per request without sockets: `npx tsx bench/agent-inmemory.ts [--rounds 10]
 * [--requests 20000] [variant ...]`, a variant being a kind of servers/agent-kinds.ts (bare | agent |
 * fastify | hono) or `kind@/path/to/checkout` (that checkout's src/ and generated/, e.g. a
 * `git worktree` of the previous commit). Each server (compiled by esbuild, as in the load runs)
 * gets 50 in-memory connections (Duplex streams handed to node:http as sockets) that each send the
 * spec's `seed` request again once the answer is out; the process's CPU time is divided by the
 * requests answered. No kernel, no load generator, every variant in one process, interleaved
 * rounds: a before/after comparison that holds on a loaded machine, where wrk's req/s drift by
 * ±30 % between runs. It measures node:http plus the server's code, not the network stack, so its
 * ratios to bare are lower than wrk's (the kernel's share is the same for every server).
 */
import type { Server } from "node:http";
import { loadavg } from "node:os";
import { Duplex } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import bundle from "../generated/caac-agent.bundle.js";
import { compiledEntry } from "./lib/compile.js";
import { median } from "./lib/stats.js";
import type { agentServer } from "./servers/agent-kinds.js";
import { TOKEN } from "./servers/token.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: "string", default: "10" },
    requests: { type: "string", default: "20000" },
    connections: { type: "string", default: "50" },
  },
});
const rounds = Number(values.rounds);
const requests = Number(values.requests);
const connections = Number(values.connections);
const variants = positionals.length > 0 ? positionals : ["bare", "agent", "hono"];

const body = JSON.stringify(
  bundle.paths["/caac/ai-agent"].post.requestBody.content["application/json"].examples.seed.value,
);
const request = Buffer.from(
  `POST / HTTP/1.1\r\nHost: 127.0.0.1:8787\r\nAuthorization: Bearer ${TOKEN}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
);

/** A connection node:http can serve: what it writes is checked for the end of one answer. */
function connection(server: Server, onAnswer: (socket: Duplex) => void): Duplex {
  // Every server answers `{"reply_text":"ok"}`: with a content-length (the body ends the answer) or
  // chunked (the last chunk does).
  const written = (text: string) => {
    if (text.endsWith('"}') || text.endsWith("0\r\n\r\n")) onAnswer(socket);
  };
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      written(chunk.toString("latin1"));
      callback();
    },
    writev(chunks, callback) {
      written(chunks.map(({ chunk }) => (chunk as Buffer).toString("latin1")).join(""));
      callback();
    },
  });
  // What node:http calls on a net.Socket.
  const self = () => socket;
  Object.assign(socket, {
    setTimeout: self,
    setNoDelay: self,
    setKeepAlive: self,
    remoteAddress: "127.0.0.1",
  });
  server.emit("connection", socket);
  return socket;
}

/** Answers `count` requests over `connections` connections; resolves with CPU µs per request. */
function measure(server: Server, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = 0;
    const started = process.cpuUsage();
    const send = (socket: Duplex) => {
      if (sent < count) {
        sent++;
        socket.push(request);
      }
    };
    const onAnswer = (socket: Duplex) => {
      answered++;
      if (answered < count) {
        // The next request on a later turn of the event loop, as from a socket.
        setImmediate(send, socket);
        return;
      }
      const cpu = process.cpuUsage(started);
      for (const open of sockets) open.destroy();
      resolve((cpu.user + cpu.system) / count);
    };
    const sockets = Array.from({ length: connections }, () => connection(server, onAnswer));
    for (const socket of sockets) {
      socket.on("error", reject);
      send(socket);
    }
  });
}

const servers = new Map<string, Server>();
const source = fileURLToPath(new URL("servers/agent-kinds.ts", import.meta.url));
for (const variant of variants) {
  const [kind = "", root] = variant.split("@");
  const module = (await import(await compiledEntry(source, root))) as { agentServer: typeof agentServer };
  servers.set(variant, (await module.agentServer(kind)).server);
}
const results = new Map<string, number[]>(variants.map((variant) => [variant, []]));
// One unmeasured round to warm up every server, then interleaved rounds, alternating the order.
for (const variant of variants) await measure(servers.get(variant) as Server, requests);
for (let round = 0; round < rounds; round++) {
  for (const variant of round % 2 === 0 ? variants : [...variants].reverse()) {
    results.get(variant)?.push(await measure(servers.get(variant) as Server, requests));
  }
}
const base = variants[0] ?? "";
const baseRuns = results.get(base) ?? [];
console.log(
  `${rounds} rounds × ${requests} requests, ${connections} connections; load average ${loadavg()
    .map((n) => n.toFixed(2))
    .join(" ")}`,
);
for (const variant of variants) {
  const runs = results.get(variant) ?? [];
  const speed = median(runs.map((us, i) => (baseRuns[i] ?? Number.NaN) / us));
  console.log(
    `${variant.padEnd(32)} ${median(runs).toFixed(2).padStart(6)} µs CPU/request  ` +
      `speed ÷ ${base}: ${speed.toFixed(3)}× (median of per-round ratios)`,
  );
}
process.exit(0);
