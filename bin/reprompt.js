#!/usr/bin/env node
// The `reprompt` command: registers tsx so the TypeScript engine runs as-is, then hands over to the CLI.
import {register} from "tsx/esm/api";

register();
// `reprompt … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
const {main} = await import("../loaders/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
