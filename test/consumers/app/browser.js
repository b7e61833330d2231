// The browser consumer, bundled by esbuild: runs the clients against the vendor server named in
// the page's query string and leaves the outcome on `window.consumerResult` for the test to read.
import { exerciseClients } from "./clients.js";

const baseUrl = new URLSearchParams(location.search).get("api");
window.consumerResult = exerciseClients(baseUrl).then(
  (value) => ({ value }),
  (error) => ({ error: String(error?.stack ?? error) }),
);
