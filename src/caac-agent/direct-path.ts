// The direct path: createAgentHandler's internal entry called with Node's request and response,
// building no Request, URL, Headers, web stream or Response per request.
import type { IncomingMessage, ServerResponse } from "node:http";
import { NodeInput } from "./node-input.js";
import { dropAfterReply, writeInternalError, writeReply } from "./node-response.js";
import type { InputHandler, Reply } from "./request-input.js";

export function dispatchDirect(
  handle: InputHandler,
  req: IncomingMessage,
  res: ServerResponse,
): void | Promise<void> {
  const input = new NodeInput(req, res);
  let reply: Reply | Promise<Reply>;
  try {
    reply = handle(input);
  } catch {
    writeInternalError(res);
    return;
  }
  if (!(reply instanceof Promise)) {
    finish(input, reply);
    return;
  }
  return reply.then(
    (value) => finish(input, value),
    () => writeInternalError(res),
  );
}

function finish(input: NodeInput, reply: Reply): void {
  try {
    if (input.abandoned && !input.req.complete) dropAfterReply(input.req, input.res);
    writeReply(reply, input.res);
  } catch {
    writeInternalError(input.res);
  }
}
