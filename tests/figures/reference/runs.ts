// Reference (the JS path figures used before they aggregated in DuckDB), kept to check the SQL path's output.
// A figure's data starts here: run (or resume) its experiment, then read the run's trajectories from the store.
import {loadExperiment} from "../../../loaders/trajectories/experiment.ts";
import {runExperiment, type RunRecord} from "../../../loaders/trajectories/run.ts";
import type {TrajectoryRecord} from "../../../loaders/trajectories/trajectory.ts";
import {openDefaultStore} from "../../../loaders/store/index.ts";
import type {Problem, StoredProblem} from "../../../loaders/datasets/index.ts";

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
    return {runKey, record, trajectories, problems};
  } finally {
    store.close();
  }
}
