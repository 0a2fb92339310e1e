// Thin loader: a few trajectories per problem and strategy, turn by turn, for the trajectory explorer.
import {emit} from "../../loaders/figures/emit.ts";
import {explorerParquet} from "../../loaders/figures/explorer.ts";

await emit(await explorerParquet());
