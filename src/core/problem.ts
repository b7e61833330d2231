// RFC 9457 problem bodies, as the servers of this package (the CAAC agent endpoint, the ChatAIBot
// webhook receiver) answer what they reject. Web standards only.

/** The media type of a problem response. */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  405: "Method Not Allowed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  500: "Internal Server Error",
};

/** The fields every problem body has; `detail` says what was wrong and what to do. */
export type ProblemBody = {
  type: string;
  title: string;
  status: number;
  detail: string;
};

/** A problem body for `status`, titled by its reason phrase. */
export function problemBody(status: number, detail: string): ProblemBody {
  return { type: "about:blank", title: titles[status] ?? "Error", status, detail };
}
