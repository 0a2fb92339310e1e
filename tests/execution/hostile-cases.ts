// Hostile programs, part 1: time, processes, signals, threads, memory and the interpreter itself.
// Each case states the verdicts allowed for each of its tests; hostile-harness.ts adds the no-escape checks.
import {existsSync} from "node:fs";
import {join} from "node:path";
import {expect} from "vitest";
import type {TestCase} from "../../loaders/datasets/index.ts";
import type {ExecutionResult} from "../../loaders/execution/judge.ts";
import type {Verdict} from "../../loaders/execution/protocol.ts";
import {hostTmpFree, markedProcesses, sleep, TMPFS_BYTES, type CaseEnv, type Level} from "./hostile-harness.ts";

export interface HostileCase {
  name: string;
  code: (env: CaseEnv) => string;
  /** Default: one test, "3 4" → "7". */
  tests?: TestCase[];
  /** Verdicts allowed for every test. */
  expected: Verdict[];
  /** Upper bound on the worker's time for the whole job: no hang. Default 15 s. */
  maxMs?: number;
  levels?: Level[];
  check?: (result: ExecutionResult, env: CaseEnv) => void | Promise<void>;
}

/** A Python string literal. */
export const lit = (value: string | number) => JSON.stringify(value);
export const ANSWER = "a, b = map(int, input().split())\nprint(a + b)\n";
/** Names the calling thread (its /proc comm), which a forked child or a thread carries: the marker scan finds it. */
export const NAME_THREAD = (env: CaseEnv) => `__import__("ctypes").CDLL(None).prctl(15, ${lit(env.marker)}.encode(), 0, 0, 0)`;

/** Repeated scans: a child or thread created by the program must not appear later either. */
async function expectNoMarkedProcessFor(env: CaseEnv, ms: number, also?: () => void): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    expect(markedProcesses(env.marker)).toEqual([]);
    also?.();
    await sleep(250);
  }
}

const firstStderrLine = (result: ExecutionResult) => (result.tests[0]?.stderr ?? "").split("\n")[0];

export const PROCESS_CASES: HostileCase[] = [
  {name: "infinite loop", code: () => "while True:\n    pass\n", expected: ["time_limit"], maxMs: 10_000},
  {name: "time.sleep(100)", code: () => "import time\ntime.sleep(100)\n", expected: ["time_limit"], maxMs: 10_000},
  {
    name: "long C-level call sum(range(10**12)) (killed at the wall deadline)",
    code: () => "print(sum(range(10**12)))\n",
    expected: ["time_limit"],
    maxMs: 12_000
  },
  {
    name: "ignores SIGTERM/SIGXCPU/SIGALRM, cancels its timer, then spins",
    code: () => "import signal\nfor s in (signal.SIGTERM, signal.SIGXCPU, signal.SIGALRM, signal.SIGINT, signal.SIGHUP):\n    signal.signal(s, signal.SIG_IGN)\n" +
      "signal.setitimer(signal.ITIMER_REAL, 0)\nwhile True:\n    pass\n",
    expected: ["time_limit"],
    maxMs: 12_000
  },
  {
    name: "fork bomb with os.fork() in a loop",
    code: (env) => `import os, time\nfor i in range(50):\n    if os.fork() == 0:\n        ${NAME_THREAD(env)}\n        time.sleep(30)\n        os._exit(0)\n${ANSWER}`,
    expected: ["runtime_error"],
    check: (_, env) => expectNoMarkedProcessFor(env, 1000)
  },
  {
    name: "fork bomb through subprocess.Popen",
    code: (env) => `import subprocess\nprocs = [subprocess.Popen(["/bin/sleep", "30"], env={"HOSTILE": ${lit(env.marker)}}) for _ in range(20)]\n${ANSWER}`,
    expected: ["runtime_error"],
    check: (_, env) => expectNoMarkedProcessFor(env, 1000)
  },
  {
    name: "os.system spawning a shell",
    code: (env) => `import os\nrc = os.system(${lit(`sleep 30 # ${env.marker}`)})\nassert rc == 0, rc\n${ANSWER}`,
    expected: ["runtime_error"],
    check: (_, env) => expectNoMarkedProcessFor(env, 1000)
  },
  {
    name: "exec of /bin/sh",
    code: (env) => `import os\nos.execv("/bin/sh", ["sh", "-c", ${lit(`echo ${env.marker}; touch ${env.caseDir}/${env.marker}; sleep 30`)}])\n`,
    expected: ["runtime_error"],
    check: (result, env) => {
      expect(result.tests[0].stdout ?? "").not.toContain(env.marker);
      return expectNoMarkedProcessFor(env, 500);
    }
  },
  {
    name: "double fork + setsid to outlive the run",
    code: (env) => `import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        ${NAME_THREAD(env)}\n        time.sleep(3)\n` +
      `        open(${lit(join(env.caseDir, "escaped"))}, "w").write("escaped")\n    os._exit(0)\n${ANSWER}`,
    expected: ["runtime_error"],
    check: (_, env) => expectNoMarkedProcessFor(env, 5000, () => expect(existsSync(join(env.caseDir, "escaped"))).toBe(false))
  },
  {
    name: "ptrace the parent and a host process, then setuid(0)",
    code: (env) => "import os, ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n" +
      `print(libc.ptrace(16, os.getppid(), 0, 0), libc.ptrace(16, ${env.bystanderPid}, 0, 0), libc.ptrace(0, 0, 0, 0))\n` +
      "os.setuid(0)\nos.setgid(0)\nprint('root')\n",
    expected: ["runtime_error"],
    check: (result) => expect(result.tests[0].stdout).toBe("-1 -1 -1\n")
  },
  {
    name: "kills its parent (the worker) and a host process",
    code: (env) => `import os\nfor target in (${env.bystanderPid}, os.getppid()):\n    try:\n        os.kill(target, 9)\n        print("killed", target)\n` +
      "    except OSError:\n        print('denied')\nos.kill(os.getppid(), 9)\n",
    expected: ["runtime_error"],
    check: (result) => expect(result.tests[0].stdout).toBe("denied\ndenied\n")
  },
  {
    name: "kills pid 1 (and, inside bubblewrap's pid namespace, every process with kill(-1))",
    code: (env) => `import os\nif ${env.level === "always" ? "True" : "False"}:\n    try:\n        os.kill(-1, 9)\n        print("killed all")\n    except OSError:\n        print("denied")\n` +
      "os.kill(1, 9)\n",
    expected: ["runtime_error"],
    check: (result, env) => expect(result.tests[0].stdout).toBe(env.level === "always" ? "denied\n" : "")
  },
  {
    name: "os.killpg(0, SIGKILL): kills its own process group",
    code: () => "import os\nos.killpg(0, 9)\n",
    // The runner is alone in its session, so this kills only the runner; the worker classes a SIGKILL as time_limit.
    expected: ["runtime_error", "time_limit"]
  },
  {
    name: "SIGKILLs itself: a crash, not a time limit",
    code: () => "import os\nos.kill(os.getpid(), 9)\n",
    expected: ["runtime_error"]
  },
  {
    // seccomp's kill filter never sees this signal: only bubblewrap's pid namespace or Landlock's signal scoping
    // (ABI >= 6, Linux 6.12) stop it. Without both, a same-uid host process dies.
    name: "SIGIO to a host process (fcntl F_SETOWN + F_SETSIG=SIGKILL on a pipe): bypasses the kill filter",
    code: (env) => `import os, fcntl\nr, w = os.pipe()\ntry:\n    fcntl.fcntl(r, fcntl.F_SETOWN, ${env.bystanderPid})\n    fcntl.fcntl(r, 10, 9)\n` +
      `    fcntl.fcntl(r, fcntl.F_SETFL, fcntl.fcntl(r, fcntl.F_GETFL) | os.O_ASYNC)\n    os.write(w, b"x")\nexcept OSError:\n    pass\n${ANSWER}`,
    expected: ["accepted"],
    check: () => sleep(300) // the signal is asynchronous: give it time before the bystander is checked
  },
  {
    name: "daemon thread that writes a file after 3 s (two tests: it must not poison the second)",
    code: (env) => "import ctypes, os, sys, threading, time\n" +
      `def late(libc=ctypes.CDLL(None), sleep=time.sleep, where=os.getcwd(), host=${lit(env.caseDir)}, marker=${lit(env.marker)}):\n` +
      "    libc.prctl(15, marker.encode(), 0, 0, 0)\n    sleep(3)\n    for d in (where, host):\n        try:\n            open(d + '/' + marker, 'w').write('late')\n" +
      "        except OSError:\n            pass\nthreading.Thread(target=late, daemon=True).start()\nprint(os.getcwd(), file=sys.stderr)\n" + ANSWER,
    tests: [{input: "3 4\n", output: "7\n"}, {input: "1 1\n", output: "2\n"}],
    expected: ["accepted"],
    check: (result, env) => {
      const cwd = firstStderrLine(result);
      return expectNoMarkedProcessFor(env, 5000, () => expect(cwd && existsSync(join(cwd, env.marker))).toBe(false));
    }
  },
  {
    name: "non-daemon thread sleeping 100 s after main returns",
    code: (env) => `import threading, time\ndef body(name=__import__("ctypes").CDLL(None), sleep=time.sleep):\n    name.prctl(15, ${lit(env.marker)}.encode(), 0, 0, 0)\n    sleep(100)\n` +
      `threading.Thread(target=body).start()\n${ANSWER}`,
    expected: ["time_limit"],
    maxMs: 10_000,
    check: (_, env) => expectNoMarkedProcessFor(env, 500)
  },
  {
    name: "memory bomb: [0] * 10**9",
    code: () => "x = [0] * 10**9\nprint(len(x))\n",
    expected: ["memory_limit"]
  },
  {
    // MAP_POPULATE makes the pages resident in one call: page faults one by one cost ~1.5 s per 300 MB on slow VMs.
    name: "memory bomb: 300 MB resident at once (over 256 MB, under the address-space ceiling)",
    code: () => `import mmap\nm = mmap.mmap(-1, 300 << 20, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | mmap.MAP_POPULATE)\n${ANSWER}`,
    expected: ["memory_limit"]
  },
  {
    name: "memory bomb: grows 16 MB at a time until stopped",
    code: () => "a = []\nwhile True:\n    a.append(b'x' * (16 << 20))\n",
    // Which limit stops it first depends on the machine: page faults cost ~15 µs each in a nested VM, so 1 s
    // of CPU can run out around 240 MB. Either way it must be stopped by a limit (and contained).
    expected: ["memory_limit", "time_limit"]
  },
  {
    name: "huge constant 'a' * 10**10",
    code: () => "x = 'a' * 10**10\nprint(len(x))\n",
    expected: ["memory_limit"]
  },
  {
    // memfd pages are in no address space: RLIMIT_AS and the resident-size check missed 1.9 GB under 64 MB.
    name: "memory outside the address space: 300 MB in memfd files (over 256 MB)",
    code: () => "import os\nfor i in range(300):\n    os.write(os.memfd_create('m%d' % i), b'x' * (1 << 20))\n" + ANSWER,
    expected: ["runtime_error", "memory_limit"],
    check: (result) => {
      if (result.tests[0]!.verdict === "runtime_error") expect(`${result.tests[0]!.error ?? ""}${result.tests[0]!.stderr ?? ""}`).toMatch(/PermissionError|Operation not permitted/);
    }
  },
  {
    name: "memory outside the address space: 300 MB of files in its temp dir (over 256 MB)",
    code: () => "for i in range(300):\n    with open('f%d' % i, 'wb') as f:\n        f.write(b'x' * (1 << 20))\n" + ANSWER,
    // bubblewrap: its tmpfs is full long before (an OSError); without it the files count as the program's memory.
    expected: ["runtime_error", "memory_limit"],
    maxMs: 20_000
  },
  {
    name: "compile bomb: a 100 000-term expression",
    code: () => "x = " + Array(100_000).fill("1").join("+") + "\nprint(x)\n",
    expected: ["compile_error"]
  },
  {
    name: "huge literal: a 5 MB string in the source",
    code: () => `s = "${"a".repeat(5 << 20)}"\n${ANSWER}`,
    expected: ["accepted"]
  },
  {
    name: "deep recursion with sys.setrecursionlimit(10**6)",
    code: () => "import sys\nsys.setrecursionlimit(10**6)\ndef f(n):\n    return f(n + 1) + 1\nf(0)\n",
    // Reaching depth 10**6 alone takes several CPU seconds here, so a time limit is as right as a RecursionError.
    expected: ["runtime_error", "time_limit"],
    maxMs: 15_000
  },
  {
    name: "RecursionError at depth 40 000 (0.15 s of the program's own CPU)",
    code: () => "import sys\nsys.setrecursionlimit(40000)\ndef f(n):\n    return f(n + 1) + 1\nf(0)\n",
    expected: ["runtime_error"]
  },
  {
    name: "segfault via ctypes.string_at(0)",
    code: () => "import ctypes\nctypes.string_at(0)\n",
    expected: ["runtime_error"],
    check: (result) => expect(result.tests[0].exitCode).toBe(-11)
  },
  {
    name: "tries to patch the judge (compare.output_match = lambda: True), then prints a wrong answer",
    code: () => "import sys\nmodules = [m for m in sys.modules]\nimport compare\nyes = lambda *a, **k: True\n" +
      "for m in list(sys.modules.values()):\n    for attr in ('output_match', 'value_match', 'codecontests_match'):\n        if hasattr(m, attr):\n            setattr(m, attr, yes)\n" +
      "print('definitely not seven')\n",
    tests: [{input: "3 4\n", output: "7\n"}, {input: "1 1\n", output: "2\n"}],
    expected: ["wrong_answer"]
  },
  {
    name: "fills the temp dir with 64 KB files until an error (at most 96 MB)",
    code: () => "import os, sys\nchunk = b'x' * 65536\nn = 0\ntry:\n    while n < 1536:\n        with open('f%05d' % n, 'wb') as f:\n            f.write(chunk)\n        n += 1\n" +
      "    print('bounded', n, file=sys.stderr)\nexcept OSError as e:\n    print('full', n, file=sys.stderr)\nprint('done')\n",
    tests: [{input: "", output: "done\n"}],
    expected: ["accepted"],
    maxMs: 20_000,
    check: (result, env) => {
      const [kind, count] = (result.tests[0].stderr ?? "").trim().split(" ");
      // bubblewrap: its /tmp is a capped tmpfs (in memory, not the host's disk); without it the temp dir is on the host
      // with no size cap (documented in the banner): only RLIMIT_FSIZE per file and the time limit bound it.
      if (env.level === "always") {
        expect(kind).toBe("full");
        expect(Number(count) * 65536).toBeLessThanOrEqual(TMPFS_BYTES);
        expect(env.hostTmpFree - hostTmpFree(), "the host's temp file system shrank").toBeLessThan(TMPFS_BYTES + (32 << 20));
      } else {
        expect(kind).toBe("bounded");
      }
    }
  }
];
