// Thin loader: the single-turn-grid figure's table (runs or resumes its experiment; unchanged work comes from the store).
import {emit} from "../../loaders/figures/emit.ts";
import {singleTurnGridTable} from "../../loaders/figures/singleTurnGrid.ts";

await emit(await singleTurnGridTable());
