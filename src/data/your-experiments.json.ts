// Thin loader: every experiment without a page of its own (runs or resumes each; unchanged work comes from the store).
import {emit} from "../../loaders/figures/emit.ts";
import {yourExperimentsTable} from "../../loaders/figures/yourExperiments.ts";

await emit(await yourExperimentsTable());
