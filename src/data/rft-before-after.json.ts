// Thin loader: RFT before/after (base vs fine-tuned model), or how to configure the two models when they are missing.
import {emit} from "../../loaders/figures/emit.ts";
import {rftBeforeAfterTable} from "../../loaders/figures/rft.ts";

await emit(await rftBeforeAfterTable());
