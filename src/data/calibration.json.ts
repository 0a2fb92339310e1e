// Thin loader: the calibration figure's table (runs or resumes its experiment; unchanged work comes from the store).
import {emit} from "../../loaders/figures/emit.ts";
import {calibrationTable} from "../../loaders/figures/calibration.ts";

await emit(await calibrationTable());
