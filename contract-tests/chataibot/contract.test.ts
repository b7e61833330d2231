// ChatAIBot: every operation and documented status against the Prism mock, negative cases, live drift.
import { runContract } from "../support/run.js";
import { contract } from "./cases.js";

runContract(contract);
