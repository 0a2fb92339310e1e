// `npm run build`'s pre/post steps: drop cached loader outputs whose inputs changed, then record what was built.
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {dirname, join} from "node:path";
import {postbuild, prebuild} from "../loaders/figures/loaderCache.ts";
import {CACHE_DIR, type LoaderInputs} from "../loaders/figures/loaderInputs.ts";
import {siteProfile} from "../loaders/figures/runs.ts";

const PENDING = join(dirname(CACHE_DIR), "reprompt-pending-inputs.json");

async function main(step: string | undefined): Promise<number> {
  if (step === "prebuild") {
    const profile = siteProfile();
    const result = await prebuild(profile);
    if (result.problems.length) {
      process.stderr.write(`reprompt: the site cannot be built for profile "${profile}":\n${result.problems.map((p) => `  - ${p}`).join("\n")}\n`);
      process.stderr.write(`(nothing was changed; the cached figures of the previous build are kept)\n`);
      return 1;
    }
    mkdirSync(dirname(PENDING), {recursive: true});
    writeFileSync(PENDING, JSON.stringify(result.inputs));
    const fresh = result.inputs.length - result.dropped.length;
    process.stderr.write(`reprompt: profile "${profile}": ${fresh} cached figure outputs match their inputs; ${result.dropped.length} to compute${result.dropped.length ? ` (${result.dropped.join(", ")})` : ""}\n`);
    return 0;
  }
  if (step === "postbuild") {
    if (!existsSync(PENDING)) return 0;
    const inputs = JSON.parse(readFileSync(PENDING, "utf8")) as LoaderInputs[];
    postbuild(inputs);
    rmSync(PENDING, {force: true});
    return 0;
  }
  process.stderr.write("usage: loader-caches.ts prebuild|postbuild\n");
  return 2;
}

try {
  process.exitCode = await main(process.argv[2]);
} catch (error) {
  const e = error as Error;
  // Config and definition errors are written for the user: no stack trace.
  process.stderr.write(`reprompt: ${["ConfigError", "ExperimentError"].includes(e.name) ? e.message : (e.stack ?? e)}\n`);
  process.exitCode = 1;
}
