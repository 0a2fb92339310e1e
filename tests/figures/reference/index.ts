// Reference (the JS path figures used before they aggregated in DuckDB), kept to check the SQL path's output.
export {singleTurnGridTable, cotSizeDifficultyTable} from "./singleTurnGrid.ts";
export {calibrationTable} from "./calibration.ts";
export {multiVsSingleTable, feedbackGranularityTable, cotRetryTable} from "./multiTurn.ts";
export {explorerRows} from "./explorer.ts";
export {rowsToParquet} from "../../../loaders/figures/explorer.ts";
