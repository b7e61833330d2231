/** A node:http server answering every request with the same small JSON body (a CAAC team). */
import { once } from "node:events";
import { createServer } from "node:http";
import { announce } from "./ipc.js";

const body = Buffer.from(JSON.stringify({ id: 42, name: "Support", description: "Front-line support team" }));

const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { "content-type": "application/json", "content-length": body.byteLength });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1");
await once(server, "listening");
announce(server);
