// The shared sample problems (../shared/data) exist beside CI's checkout but not in a user's fresh clone:
// tests that need them skip with a message saying so.
import {existsSync} from "node:fs";
import {join} from "node:path";
import {repoRoot} from "./node.ts";

export const SHARED_SAMPLE = join(repoRoot, "..", "shared", "data", "sample-problems.jsonl");
export const haveSharedSample = existsSync(SHARED_SAMPLE);
export const SHARED_SKIP_MESSAGE = `skipped: ${SHARED_SAMPLE} is not present (it exists only beside the CI checkout)`;
