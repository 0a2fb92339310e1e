// Thin loader: the cot-size-difficulty figure's table (runs or resumes its experiment; unchanged work comes from the store).
import {emit} from "../../loaders/figures/emit.ts";
import {cotSizeDifficultyTable} from "../../loaders/figures/singleTurnGrid.ts";

await emit(await cotSizeDifficultyTable());
