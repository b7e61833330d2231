/**
 * An injected `fetch` for client tests that never reaches a network: it records every request and
 * answers from the test's handler. (tappingFetch, in tapping-fetch.ts, goes to a real server.)
 */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

export function stubFetch(
  respond: (request: RecordedRequest, index: number) => Response | Promise<Response>,
) {
  const requests: RecordedRequest[] = [];
  const fetch = async (input: Request) => {
    const recorded = {
      method: input.method,
      url: input.url,
      headers: new Headers(input.headers),
      body: input.body ? await input.text() : "",
    };
    requests.push(recorded);
    return respond(recorded, requests.length - 1);
  };
  return { fetch, requests };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
