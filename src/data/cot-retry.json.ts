// Thin loader: the cot-retry figure's table (runs or resumes its experiment; unchanged work comes from the store).
import {emit} from "../../loaders/figures/emit.ts";
import {cotRetryTable} from "../../loaders/figures/multiTurn.ts";

await emit(await cotRetryTable());
