// Thin loader: the configured datasets' problems, stored and read back through the store, as Parquet.
import {benchmarksParquet} from "../../loaders/figures/benchmarks.ts";
import {emit} from "../../loaders/figures/emit.ts";

await emit(await benchmarksParquet());
