/** The JSON the client section's servers (loopback and in memory) answer with, shared by both sides. */

/** The JSON each fake or loopback server answers a GET with (a CAAC team). */
export const TEAM = { id: 42, name: "Support", description: "Front-line support team" };
/** The JSON answering a `chat` POST (a Fifth Element envelope). */
export const CHAT_REPLY = {
  data: { response: "Hello! How can I help?", conversationId: "c-1", metadata: {} },
  error: null,
};
