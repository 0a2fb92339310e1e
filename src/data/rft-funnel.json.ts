// Thin loader: the RFT data funnel and contamination table (demo: runs the pipeline; unchanged work comes from the store).
import {emit} from "../../loaders/figures/emit.ts";
import {rftFunnelTable} from "../../loaders/figures/rft.ts";

await emit(await rftFunnelTable());
