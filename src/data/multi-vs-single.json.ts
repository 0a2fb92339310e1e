// Thin loader: the multi-vs-single figure's table (runs or resumes its experiment; unchanged work comes from the store).
import {emit} from "../../loaders/figures/emit.ts";
import {multiVsSingleTable} from "../../loaders/figures/multiTurn.ts";

await emit(await multiVsSingleTable());
