// Where the store lives: `data/store` under the project, or $REPROMPT_STORE (tests and shared machines).
import {dirname, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {Store, type StoreOptions} from "./store.ts";

/** The repository root (this file is loaders/store/location.ts). */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export function defaultStoreDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.REPROMPT_STORE ? resolve(env.REPROMPT_STORE) : join(projectRoot, "data", "store");
}

export function openDefaultStore(options: Partial<StoreOptions> = {}): Store {
  return Store.open({dir: defaultStoreDir(), ...options});
}
