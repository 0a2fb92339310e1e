// Prints the multi-vs-single table of the store in $REPROMPT_STORE (a separate process: the figure code reads
// REPROMPT_EXPERIMENTS when it is imported).
import {multiVsSingleTable} from "../../loaders/figures/multiTurn.ts";

process.stdout.write(JSON.stringify(await multiVsSingleTable("p")) + "\n");
