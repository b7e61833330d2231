/** A node:http server answering a GET with a CAAC team and a POST (after reading it) with a Fifth Element chat reply. */
import { once } from "node:events";
import { createServer } from "node:http";
import { CHAT_REPLY, TEAM } from "../lib/payloads.js";
import { announce } from "./ipc.js";

const team = Buffer.from(JSON.stringify(TEAM));
const chat = Buffer.from(JSON.stringify(CHAT_REPLY));

const server = createServer((req, res) => {
  const body = req.method === "POST" ? chat : team;
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "content-length": body.byteLength });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1");
await once(server, "listening");
announce(server);
