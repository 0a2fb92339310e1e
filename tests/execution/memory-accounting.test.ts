// Memory a program holds outside its address space (memfd files, files in its scratch directory) counts
// against its limit: `reprompt exec` of such a program is never `accepted`, with and without bubblewrap.
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {cliPath, finished, spawnTs} from "../helpers/node.ts";
import {tempDir} from "../helpers/tmp.ts";
import {bubblewrapProblem} from "./hostile-harness.ts";

const bwrapProblem = await bubblewrapProblem();
if (bwrapProblem) console.warn(`memory-accounting.test.ts: SKIPPING the bubblewrap level: ${bwrapProblem}`);
const dir = tempDir("reprompt-memacct-");

/** Programs that hold ~240 MB outside the address space, in 40 MB pieces (each under the 64 MB output cap). */
const PROGRAMS = {
  "memfd files": "import os\nchunk = b'x' * (40 << 20)\nfds = []\nfor i in range(6):\n    fd = os.memfd_create('f%d' % i)\n    os.write(fd, chunk)\n    fds.append(fd)\nprint('done')\n",
  "scratch files": "chunk = b'x' * (40 << 20)\nfor i in range(6):\n    with open('f%d' % i, 'wb') as f:\n        f.write(chunk)\nprint('done')\n",
  // os.write on a file in /dev/shm is the same RAM without memfd_create
  "POSIX shared memory": "import os\nchunk = b'x' * (40 << 20)\nfor i in range(6):\n    with open('/dev/shm/reprompt-f%d' % i, 'wb') as f:\n        f.write(chunk)\nprint('done')\n"
};

async function exec(code: string, bubblewrap: "always" | "never"): Promise<{verdict: string; stderr: string}> {
  const file = join(dir, `p-${Math.random().toString(36).slice(2)}.py`);
  writeFileSync(file, code);
  const out = await finished(spawnTs(cliPath(), ["exec", "--code", file, "--memory-limit", "128", "--time-limit", "20", "--bubblewrap", bubblewrap]));
  expect(out.code, out.stderr).toBe(0);
  return {verdict: (JSON.parse(out.stdout) as {verdict: string}).verdict, stderr: out.stderr};
}

for (const level of ["always", "never"] as const) {
  describe.skipIf(level === "always" && bwrapProblem !== null)(`memory outside the address space (bubblewrap: ${level})`, () => {
    for (const [name, code] of Object.entries(PROGRAMS)) {
      it(`${name} past the memory limit are not accepted`, async () => {
        const {verdict, stderr} = await exec(code, level);
        expect(verdict, stderr).not.toBe("accepted");
      });
    }

    it("a program within its limit that writes a small scratch file is still accepted", async () => {
      const {verdict, stderr} = await exec("with open('f', 'w') as f:\n    f.write('x' * 1000)\nprint(open('f').read()[:3])\n", level);
      expect(verdict, stderr).toBe("accepted");
    });
  });
}
