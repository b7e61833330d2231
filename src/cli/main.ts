#!/usr/bin/env node
// The `chat-agent-apis` command. Each subcommand lives in src/cli/commands/<name>.ts and is
// loaded only when used, so `verify-agent` does not pay for Prism process control and vice versa.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { argv, exit, stderr, stdout } from "node:process";
import { packageRoot } from "../mock/package-root.js";
import { EXIT, EXIT_CODES_HELP } from "./args.js";

type Command = { run(args: string[]): Promise<number>; usage: string };

const commands: Record<string, () => Promise<Command>> = {
  mock: () => import("./commands/mock.js"),
  "serve-agent": () => import("./commands/serve-agent.js"),
  "verify-agent": () => import("./commands/verify-agent.js"),
  "widget-test-server": () => import("./commands/widget-test-server.js"),
};

function help(): string {
  return [
    "usage: chat-agent-apis <command> [options]",
    "",
    "commands:",
    "  mock [api …]           start Prism mock servers for the vendor specs",
    "  serve-agent            serve a CAAC Self Hosted AI Agent",
    "  verify-agent <url>     check any CAAC Self Hosted AI Agent implementation against the spec",
    "  widget-test-server     serve pages that test Cavuer widget user identification",
    "",
    "options:",
    "  --help, -h             this help (after a command: that command's options)",
    "  --version              the installed version",
    "",
    "Run `chat-agent-apis <command> --help` for a command's options.",
    "",
    EXIT_CODES_HELP,
  ].join("\n");
}

function version(): string {
  const manifest = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === "--help" || name === "-h" || name === "help") {
    stdout.write(`${help()}\n`);
    return EXIT.ok;
  }
  if (name === "--version") {
    stdout.write(`chat-agent-apis ${version()}\n`);
    return EXIT.ok;
  }
  if (name === undefined) {
    stderr.write(
      `chat-agent-apis: give a command (${Object.keys(commands).join(", ")})\nRun \`chat-agent-apis --help\` for usage.\n`,
    );
    return EXIT.usage;
  }
  const load = commands[name];
  if (!load) {
    stderr.write(
      `chat-agent-apis: unknown ${name.startsWith("-") ? "option" : "command"} ${JSON.stringify(name)}; ` +
        `commands: ${Object.keys(commands).join(", ")}\nRun \`chat-agent-apis --help\` for usage.\n`,
    );
    return EXIT.usage;
  }
  const command = await load();
  if (rest.includes("--help") || rest.includes("-h")) {
    stdout.write(`${command.usage}\n`);
    return 0;
  }
  return command.run(rest);
}

main(argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    stderr.write(`chat-agent-apis: ${error instanceof Error ? error.message : String(error)}\n`);
    exit(EXIT.failure);
  },
);
