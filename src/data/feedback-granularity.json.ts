// Thin loader: the feedback-granularity figure's table (runs or resumes its experiment; unchanged work comes from the store).
import {emit} from "../../loaders/figures/emit.ts";
import {feedbackGranularityTable} from "../../loaders/figures/multiTurn.ts";

await emit(await feedbackGranularityTable());
