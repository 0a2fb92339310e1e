// A child process for the store tests: writes records in a loop and prints each key once `put` returned.
import {Store} from "../../loaders/store/index.ts";

const [dir, tag, countArg, sizeArg] = process.argv.slice(2);
const count = Number(countArg);
const size = Number(sizeArg ?? 100);
const seal = process.env.STORE_SEAL_ON_CLOSE !== "0";
const store = Store.open({dir, sealOnClose: seal, autoCompactAt: seal ? 1 : 0});
for (let i = 0; count < 0 || i < count; i++) {
  const payload = {tag, i, body: `${tag}:${i}:`.padEnd(size, "x")};
  const {key} = store.put("sample", {tag, i}, payload);
  process.stdout.write(`${key} ${i}\n`);
}
store.close();
