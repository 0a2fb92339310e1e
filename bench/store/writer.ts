// One writer process of the store benchmark: writes its share of records through the normal `put` path.
import {Store} from "../../loaders/store/index.ts";
import {completionRecord, executionRecord} from "./text.ts";

const [dir, workerArg, workersArg, recordsArg, problemsArg] = process.argv.slice(2);
const [worker, workers, records, problems] = [workerArg, workersArg, recordsArg, problemsArg].map(Number);
const store = Store.open({dir});
for (let i = worker; i < records; i += workers) {
  const problem = i % problems;
  const strategy = Math.floor(i / problems) % 8;
  store.put("request", {bench: i}, completionRecord(i, problem, strategy));
  store.put("execution", {bench: i}, executionRecord(i, problem));
}
store.close();
