// ChatAIBot Events webhook receiver (the mock a platform-side sender tests against): the operation and every documented status against the Prism mock, negative cases.
import { runContract } from "../support/run.js";
import { contract } from "./cases.js";

runContract(contract);
