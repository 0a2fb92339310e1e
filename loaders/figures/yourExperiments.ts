// "Your experiments": every experiment without a page of its own (config or experiments/*.ts), estimated in DuckDB.
import {configCatalog, loadConfig, type RepromptConfig} from "../config/index.ts";
import type {CellEstimate} from "../metrics/index.ts";
import {getPrompt, type PromptEntry} from "../prompts/index.ts";
import {openDefaultStore} from "../store/index.ts";
import {allExperimentNames, EXPERIMENTS_DIR, loadExperiment, YOUR_EXPERIMENTS, type Experiment} from "../trajectories/experiment.ts";
import {runExperiment} from "../trajectories/run.ts";
import {runEstimates, type TokenTotal} from "../trajectories/runTotals.ts";
import {parseStrategyId} from "../trajectories/strategy.ts";
import {provenanceOf, round} from "./common.ts";
import {publishedModels} from "./publish.ts";
import {siteProfile} from "./runs.ts";

/** Tokens per solved trajectory: the servers' usage, or (labelled) reply characters / 4 where none was sent. */
export function tokensPerSolve(t: TokenTotal): {value: number | null; source: "usage" | "estimate"} {
  const usage = t.callsWithoutUsage === 0 && t.promptTokens + t.completionTokens > 0;
  const tokens = usage ? t.promptTokens + t.completionTokens : t.replyChars / 4;
  return {value: t.solved === 0 ? null : Math.round(tokens / t.solved), source: usage ? "usage" : "estimate"};
}

function promptsOf(id: string, catalog: readonly PromptEntry[]): Array<{id: string; title: string; text: string; source: string}> {
  const s = parseStrategyId(id, catalog);
  const ids = s.kind === "cot-retry" ? [] : [s.reasoning, s.instruction === "none" ? null : s.instruction, s.kind === "multi" ? (s.reprompt ?? null) : null];
  return ids
    .filter((p): p is string => p !== null)
    .map((p) => {
      const e = getPrompt(p, catalog);
      return {id: e.id, title: e.title, text: e.text, source: e.source ?? "study"};
    });
}

/** The experiments this page shows: those whose figure is "your-experiments" and that have the profile. */
export async function yourExperiments(config: RepromptConfig, dir = EXPERIMENTS_DIR): Promise<Experiment[]> {
  const out: Experiment[] = [];
  for (const name of allExperimentNames(config, dir)) {
    const e = await loadExperiment(name, dir, config);
    if (e.figure === YOUR_EXPERIMENTS) out.push(e);
  }
  return out;
}

export async function yourExperimentsTable(profile = siteProfile(), options: {config?: RepromptConfig} = {}) {
  const config = options.config ?? (await loadConfig());
  const catalog = configCatalog(config);
  const experiments = await yourExperiments(config);
  const store = openDefaultStore();
  const shown = [];
  const skipped: Array<{name: string; reason: string}> = [];
  try {
    for (const experiment of experiments) {
      if (!experiment.profiles[profile]) {
        skipped.push({name: experiment.name, reason: `no profile "${profile}" (it has ${Object.keys(experiment.profiles).join(", ")})`});
        continue;
      }
      const {runKey, record} = await runExperiment(experiment, {profile, store, config});
      const baseline = experiment.baseline && record.strategies.includes(experiment.baseline) ? experiment.baseline : record.strategies[0]!;
      const cells: CellEstimate[] = await runEstimates(store.dir, record, baseline);
      const labels = new Map(record.models.map((m) => [m.name, m.label]));
      const budgets = [...(record.k ?? []).map((k) => ({label: `pass@${k}`, k})), ...(record.nk ?? []).map(([n, k]) => ({label: `${n}@${k}`, k}))];
      shown.push({
        name: experiment.name,
        title: experiment.title,
        description: experiment.description,
        source: experiment.source ?? "file",
        baseline,
        provenance: provenanceOf({runKey, record: {...record, models: publishedModels(record, config, () => null)}}, experiment.title),
        strategies: record.strategies.map((id) => ({id, prompts: promptsOf(id, catalog)})),
        cells: cells.map((c) => ({
          model: c.model,
          modelLabel: labels.get(c.model) ?? c.model,
          strategy: c.strategy,
          metric: c.metric,
          budget: c.budget,
          n: c.n,
          k: c.k,
          mean: round(c.mean),
          lo: round(c.lo),
          hi: round(c.hi),
          difference: c.difference ? {baseline: c.difference.baseline, mean: round(c.difference.mean), lo: round(c.difference.lo), hi: round(c.difference.hi)} : null
        })),
        tokens: record.tokens.map((t) => ({...t, modelLabel: labels.get(t.model) ?? t.model, perSolve: tokensPerSolve(t)})),
        unsupported: budgets.filter((b) => b.k > record.samples).map((b) => b.label)
      });
    }
  } finally {
    store.close();
  }
  return {
    profile,
    experiments: shown,
    skipped,
    userPrompts: catalog.filter((p) => p.source === "user").map(({id, family, title, text}) => ({id, family, title, text}))
  };
}

