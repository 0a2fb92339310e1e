// A child process for the store tests: seals a kind and kills itself (SIGKILL) at the named step.
import {Store} from "../../loaders/store/index.ts";

const [dir, kind, killAt] = process.argv.slice(2);
const store = Store.open({dir, autoCompactAt: 0, sealOnClose: false});
const result = store.seal(kind, (step) => {
  if (step === killAt) process.kill(process.pid, "SIGKILL");
});
process.stdout.write(JSON.stringify(result) + "\n");
store.close();
