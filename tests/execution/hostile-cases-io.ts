// Hostile programs, part 2: files, secrets, network, descriptors and output. Programs that probe the host print
// "blocked" when every attempt failed, or what got through (a wrong answer, so the verdict check shows it).
import {expect} from "vitest";
import {ANSWER, lit, type HostileCase} from "./hostile-cases.ts";
import type {CaseEnv} from "./hostile-harness.ts";

const BLOCKED = [{input: "", output: "blocked\n"}];

/** A prelude defining attempt(label, fn): records the label when fn does not raise OSError. */
const ATTEMPTS = (env: CaseEnv) =>
  "import ctypes, os, shutil, socket, sys\n" +
  `CASE, MARK, REPO, SECRET = ${lit(env.caseDir)}, ${lit(env.marker)}, ${lit(env.repoRoot)}, ${lit(env.repoSecretPath)}\n` +
  "done = []\ndef attempt(label, fn):\n    try:\n        fn()\n        done.append(label)\n    except (OSError, ValueError):\n        pass\n" +
  "def write(path, text='pwned'):\n    with open(path, 'w') as f:\n        f.write(text)\n";
const VERDICT_LINE = "print('blocked' if not done else 'got through: ' + ', '.join(done))\n";

export const IO_CASES: HostileCase[] = [
  {
    name: "writes outside its temp dir (host dir, repo, /tmp, home; via symlink and hard link)",
    code: (env) => ATTEMPTS(env) +
      "attempt('new file in a host dir', lambda: write(CASE + '/new-' + MARK))\n" +
      "attempt('overwrite a host file', lambda: write(CASE + '/victim.txt'))\n" +
      "attempt('append to a host file', lambda: open(CASE + '/victim.txt', 'a').write('x'))\n" +
      "attempt('mkdir in a host dir', lambda: os.mkdir(CASE + '/newdir'))\n" +
      "attempt('repo root', lambda: write(REPO + '/.pwned-' + MARK))\n" +
      "attempt('repo tests dir', lambda: write(REPO + '/tests/execution/.pwned-' + MARK))\n" +
      "attempt('overwrite the repo secret', lambda: write(SECRET))\n" +
      "attempt('/tmp', lambda: write('/tmp/.pwned-' + MARK))\n" +
      "attempt('home', lambda: write(os.path.expanduser('~') + '/.pwned-' + MARK))\n" +
      "def via_symlink():\n    os.symlink(CASE + '/victim.txt', 'link')\n    write('link')\nattempt('through a symlink', via_symlink)\n" +
      "def via_hardlink():\n    os.link(CASE + '/victim.txt', 'hard')\n    write('hard')\nattempt('through a hard link', via_hardlink)\n" +
      VERDICT_LINE,
    tests: BLOCKED,
    expected: ["accepted"]
  },
  {
    name: "deletes, renames and truncates host files",
    code: (env) => ATTEMPTS(env) +
      "attempt('remove a host file', lambda: os.remove(CASE + '/keep.txt'))\n" +
      "attempt('rename a host file into its temp dir', lambda: os.rename(CASE + '/keep.txt', 'stolen'))\n" +
      "attempt('rmtree a host dir', lambda: shutil.rmtree(CASE + '/sub'))\n" +
      "attempt('truncate a host file', lambda: os.truncate(CASE + '/victim.txt', 0))\n" +
      "attempt('remove the repo secret', lambda: os.remove(SECRET))\n" +
      VERDICT_LINE,
    tests: BLOCKED,
    expected: ["accepted"]
  },
  {
    name: "changes metadata of a host file (chmod, raw fchmodat2, utime, setxattr, chown)",
    code: (env) => ATTEMPTS(env) +
      "libc = ctypes.CDLL(None, use_errno=True)\nlibc.syscall.restype = ctypes.c_long\n" +
      "def raw(nr, *args):\n    if libc.syscall(nr, *args) != 0:\n        raise OSError(ctypes.get_errno(), 'raw syscall %d' % nr)\n" +
      "victim = CASE + '/victim.txt'\n" +
      "attempt('chmod', lambda: os.chmod(victim, 0o777))\n" +
      "attempt('fchmodat2 (syscall 452)', lambda: raw(452, -100, victim.encode(), 0o777, 0))\n" +
      "attempt('utime', lambda: os.utime(victim, (0, 0)))\n" +
      "attempt('setxattr', lambda: os.setxattr(victim, 'user.pwned', b'1'))\n" +
      "attempt('chown', lambda: os.chown(victim, 1, 1))\n" +
      "attempt('chmod the repo secret', lambda: raw(452, -100, SECRET.encode(), 0o777, 0))\n" +
      VERDICT_LINE,
    tests: BLOCKED,
    expected: ["accepted"]
  },
  {
    name: "reads the project's secret file and other processes' files",
    code: (env) => ATTEMPTS(env) +
      "def show(path):\n    data = open(path, 'rb').read()\n    print(path, data[:300])\n" +
      "attempt('repo secret', lambda: show(SECRET))\n" +
      "attempt('repo package.json', lambda: show(REPO + '/package.json'))\n" +
      "attempt('list the repo', lambda: print(os.listdir(REPO)))\n" +
      "attempt('host dir file', lambda: show(CASE + '/victim.txt'))\n" +
      `attempt('the tool process environ', lambda: show('/proc/${env.nodePid}/environ'))\n` +
      "attempt('parent environ', lambda: show('/proc/%d/environ' % os.getppid()))\n" +
      "attempt('pid 1 environ', lambda: show('/proc/1/environ'))\n" +
      "attempt('/etc/shadow', lambda: show('/etc/shadow'))\n" +
      "attempt('root home', lambda: print(os.listdir('/root')))\n" +
      VERDICT_LINE,
    tests: BLOCKED,
    expected: ["accepted"]
  },
  {
    name: "looks for the tool's API key in os.environ and /proc/*/environ",
    code: () => "import os\nhits = [k for k, v in os.environ.items() if 'sk-' in v or 'KEY' in k]\n" +
      "try:\n    pids = [p for p in os.listdir('/proc') if p.isdigit()]\nexcept OSError:\n    pids = ['1', str(os.getppid())]\n" +
      "for pid in pids:\n    try:\n        data = open('/proc/%s/environ' % pid, 'rb').read()\n" +
      "    except OSError:\n        continue\n    for entry in data.split(b'\\0'):\n        if b'sk-' in entry or b'KEY' in entry:\n            hits.append(pid + ': ' + entry.decode(errors='replace'))\n" +
      "print(os.environ.get('OPENAI_API_KEY', 'absent'))\nprint('blocked' if not hits else 'got through: ' + ', '.join(hits))\n",
    tests: [{input: "", output: "absent\nblocked\n"}],
    expected: ["accepted"]
  },
  {
    name: "network: TCP and UDP to 127.0.0.1, a unix socket and an abstract socket of the host",
    code: (env) => ATTEMPTS(env) +
      `attempt('tcp', lambda: socket.create_connection(("127.0.0.1", ${env.tcpPort}), timeout=1).sendall(b"hi"))\n` +
      `attempt('udp', lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"hi", ("127.0.0.1", ${env.udpPort})))\n` +
      `attempt('unix socket', lambda: socket.socket(socket.AF_UNIX).connect(${lit(env.unixPath)}))\n` +
      `attempt('abstract socket', lambda: socket.socket(socket.AF_UNIX).connect("\\0" + ${lit(env.abstractName)}))\n` +
      "attempt('socketpair', lambda: socket.socketpair())\n" +
      VERDICT_LINE,
    tests: BLOCKED,
    expected: ["accepted"]
  },
  {
    name: "fd exhaustion: opens /dev/null 10 000 times (two tests: the second must still work)",
    code: () => `import os\nfds = []\ntry:\n    for _ in range(10000):\n        fds.append(os.open("/dev/null", os.O_RDONLY))\nexcept OSError:\n    pass\n${ANSWER}`,
    tests: [{input: "3 4\n", output: "7\n"}, {input: "1 1\n", output: "2\n"}],
    expected: ["accepted"]
  },
  {name: "os.close(1), then print", code: () => "import os\nos.close(1)\nprint(7)\n", expected: ["runtime_error"]},
  {name: "sys.stdout.close(), then print", code: () => "import sys\nsys.stdout.close()\nprint(7)\n", expected: ["runtime_error"]},
  {
    name: "closes every descriptor it inherited (the judge's channel), then prints the answer",
    code: () => `import os\nos.closerange(3, 1 << 16)\n${ANSWER}`,
    expected: ["runtime_error"]
  },
  {
    name: "invalid UTF-8 on stdout",
    code: () => 'import sys\nsys.stdout.buffer.write(b"\\xff\\xfe\\n")\n',
    expected: ["wrong_answer"],
    check: (result) => expect(result.tests[0].stdout).toBe("\\xff\\xfe\n")
  },
  {
    name: "unbounded stdout",
    code: () => "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n",
    expected: ["output_limit"],
    check: (result) => {
      expect(result.tests[0].stdout!.length).toBeLessThanOrEqual(2048);
      expect(result.tests[0].stdoutTruncated).toBe(true);
    }
  },
  {
    name: "unbounded stderr",
    code: () => "import sys\nwhile True:\n    sys.stderr.write('y' * 65536)\n",
    // Observed: stderr is capped by the same file-size rlimit as stdout (64 MB ceiling), the write fails with EFBIG
    // and the program dies: runtime_error. Only the last excerpt_bytes come back.
    expected: ["runtime_error"],
    check: (result) => expect(result.tests[0].stderr!.length).toBeLessThanOrEqual(2048)
  },
  {
    name: "positive control: writes a file in its temp dir and reads it back",
    code: () => "with open('scratch.txt', 'w') as f:\n    f.write('seven')\nwith open('scratch.txt') as f:\n    assert f.read() == 'seven'\n" + ANSWER,
    expected: ["accepted"]
  },
  {
    name: "positive control: the tempfile module (TemporaryFile, mkstemp)",
    code: () => "import os, tempfile\nwith tempfile.TemporaryFile() as t:\n    t.write(b'x')\n    t.seek(0)\n    assert t.read() == b'x'\n" +
      "fd, path = tempfile.mkstemp()\nos.close(fd)\nos.remove(path)\n" + ANSWER,
    expected: ["accepted"]
  }
];

