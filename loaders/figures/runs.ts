// A figure's data starts here: run (or resume) its experiment, then read the run's trajectories from the store.
import {loadExperiment} from "../trajectories/experiment.ts";
import {runExperiment, type RunRecord} from "../trajectories/run.ts";
import type {TrajectoryRecord} from "../trajectories/trajectory.ts";
import {openDefaultStore} from "../store/index.ts";
import type {Problem, StoredProblem} from "../datasets/index.ts";
import {loadConfig} from "../config/index.ts";
import type {RequestRecord} from "../trajectories/completions.ts";
import {publishedModels} from "./publish.ts";

/** Which profile the site is built from: `demo` (offline, human baseline) unless REPROMPT_PROFILE says otherwise. */
export function siteProfile(env: NodeJS.ProcessEnv = process.env): string {
  return env.REPROMPT_PROFILE || "demo";
}

export interface FigureRun {
  runKey: string;
  record: RunRecord;
  trajectories: TrajectoryRecord[];
  /** The run's problems by store key. */
  problems: Map<string, Problem>;
}

/** Runs only what is missing (nothing, when the store has it all) and returns every trajectory of the run. */
export async function figureRun(experimentName: string, profile = siteProfile()): Promise<FigureRun> {
  const experiment = await loadExperiment(experimentName);
  const store = openDefaultStore();
  try {
    const {runKey, record, trajectoryKeys} = await runExperiment(experiment, {profile, store});
    const trajectories = trajectoryKeys.map((key) => {
      const t = store.get<TrajectoryRecord>("trajectory", key);
      if (!t) throw new Error(`trajectory ${key} of run ${runKey} is missing from the store`);
      return t;
    });
    const problems = new Map(record.problemKeys.map((key) => [key, store.get<StoredProblem>("problem", key)!.problem]));
    // Pages get the endpoint or, redacted, the model and the identity its server reported (publish.ts).
    const servedAs = (name: string) => {
      const key = trajectories.find((t) => t.model === name)?.turns[0]?.requestKeys[0];
      const served = key ? store.get<RequestRecord>("request", key)?.completion.meta?.serverModel : null;
      return typeof served === "string" ? served : null;
    };
    return {runKey, record: {...record, models: publishedModels(record, await loadConfig(), servedAs)}, trajectories, problems};
  } finally {
    store.close();
  }
}
