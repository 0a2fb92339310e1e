// Cross-checks of a config's own study: every name a profile or experiment uses exists, before any request.
import {catalogWith, type PromptEntry} from "../prompts/index.ts";
import {parseStrategyId, type Strategy} from "../trajectories/strategy.ts";
import type {RepromptConfig} from "./schema.ts";

/** The catalog a config sees: the study's prompts plus its own. */
export function configCatalog(config: Pick<RepromptConfig, "prompts">): readonly PromptEntry[] {
  return catalogWith(config.prompts ?? []);
}

/** Throws `fail(field, message)` on the first unknown model, dataset, prompt or strategy (experiment names: see resolveProfile). */
export function checkStudy(config: RepromptConfig, fail: (field: string, message: string) => never): void {
  // One prompt at a time, so the error names the entry at fault.
  config.prompts.forEach((p, i) => {
    try {
      catalogWith(config.prompts.slice(0, i + 1));
    } catch (error) {
      fail(`prompts[${i}].id`, (error as Error).message);
    }
  });
  const catalog = configCatalog(config);
  const models = new Set(["human", ...config.models.map((m) => m.name)]);
  const datasets = new Set(["demo", ...config.datasets.map((d) => d.name)]);
  const strategy = (field: string, id: string): Strategy => {
    try {
      return parseStrategyId(id, catalog);
    } catch (error) {
      return fail(field, (error as Error).message);
    }
  };
  for (const [name, profile] of Object.entries(config.profiles)) {
    const at = `profiles.${name}`;
    profile.models?.forEach((m, i) => {
      if (!models.has(m)) fail(`${at}.models[${i}]`, `no model named "${m}" (configured: ${[...models].join(", ")})`);
    });
    if (profile.dataset && !datasets.has(profile.dataset)) fail(`${at}.dataset`, `no dataset named "${profile.dataset}" (configured: ${[...datasets].join(", ")})`);
    for (const [n, k] of profile.nk ?? []) if (n > k) fail(`${at}.nk`, `${n}@${k} submits more programs than it samples`);
    for (const [experiment, ids] of Object.entries(profile.strategies ?? {})) ids.forEach((id, i) => strategy(`${at}.strategies.${experiment}[${i}]`, id));
    if (profile.rft) {
      for (const key of ["training", "evaluation"] as const) {
        if (!datasets.has(profile.rft[key])) fail(`${at}.rft.${key}`, `no dataset named "${profile.rft[key]}" (configured: ${[...datasets].join(", ")})`);
      }
      if (profile.rft.model && !models.has(profile.rft.model)) fail(`${at}.rft.model`, `no model named "${profile.rft.model}" (configured: ${[...models].join(", ")})`);
    }
  }
  const names = new Set<string>();
  config.experiments.forEach((e, i) => {
    const at = `experiments[${i}]`;
    if (names.has(e.name)) fail(`${at}.name`, `duplicate experiment name "${e.name}"`);
    names.add(e.name);
    const ids = e.strategies.map((id, j) => {
      const s = strategy(`${at}.strategies[${j}]`, id);
      if (e.kind === "single" && s.kind !== "single") fail(`${at}.strategies[${j}]`, `"${id}" is multi-turn; a "single" experiment compares single-turn strategies (use kind: "multi")`);
      return id;
    });
    if (e.baseline !== undefined) {
      strategy(`${at}.baseline`, e.baseline);
      if (!ids.includes(e.baseline)) fail(`${at}.baseline`, `"${e.baseline}" is not one of the experiment's strategies (${ids.join(", ")})`);
    }
  });
}
