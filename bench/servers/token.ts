/** The bearer token the agent servers accept and the load generator sends. */
export const TOKEN = "bench-token-0123456789abcdef";
