// Thin loader: the paper's reported numbers with their evidence status.
import {emit} from "../../loaders/figures/emit.ts";
import {readPaperReference} from "../../loaders/figures/paperReference.ts";

await emit(readPaperReference());
