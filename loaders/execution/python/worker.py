"""The sandbox worker: runs jobs (a program and its tests) in sandboxed runner processes and judges them.

It never executes program code itself. It keeps one isolated runner process (runner.py) and hands it one
test at a time, with a wall deadline per test; it measures CPU and peak memory from /proc rather than
trusting the runner; it compares outputs itself (the runner never sees expected outputs). A runner that
overran, crashed or may carry state is replaced; a failure seen in a runner that had already run another program
is re-run in a fresh runner, so no verdict depends on what other programs did. Replies go to descriptor 3 (or
$REPROMPT_OUT_FD) as JSON lines; jobs arrive on stdin as JSON lines.
"""
import ctypes
import json
import os
import select
import shutil
import signal
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import compare  # noqa: E402
import landlock  # noqa: E402
import runner  # noqa: E402
import seccomp_filter  # noqa: E402

PR_SET_CHILD_SUBREAPER = 36
OUT_FD = int(os.environ.get("REPROMPT_OUT_FD", "3"))
SLACK_S = 2.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
RUNNER_CPU_CEILING_S = 3600
RUNNER_MAX_PROGRAMS = 2000
DEFAULT_CEILINGS = {"memory_bytes": 1 << 30, "output_bytes": 64 << 20, "cpu_s": RUNNER_CPU_CEILING_S}


def probe_security(temp_base):
    """What this worker can enforce; reported once to the tool, which prints the banner."""
    read_paths = sorted(set(p for p in [
        "/usr", "/lib", "/lib64", "/lib32", "/bin", "/etc/localtime", "/etc/ld.so.cache",
        "/dev/null", "/dev/zero", "/dev/urandom", "/dev/random", "/proc/self",
        sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable)), HERE,
    ] if p))
    return {
        "landlock_abi": landlock.abi_version(),
        "seccomp": seccomp_filter.supported(),
        "read_paths": read_paths,
        "drop_capabilities": os.geteuid() == 0,
        "temp_base": temp_base,
        "python": sys.version.split()[0],
    }


def send(message):
    data = (json.dumps(message) + "\n").encode()
    view = memoryview(data)
    while view:
        view = view[os.write(OUT_FD, view):]


def _signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return "signal %d" % number


class RunnerDied(Exception):
    """The runner ended or overran; `kind` is "timeout" or "died", `detail` says how."""

    def __init__(self, kind, detail, signum=None):
        super().__init__(detail)
        self.kind, self.detail, self.signum = kind, detail, signum


class Runner:
    """One forked, isolated runner process and the pipes to it."""

    def __init__(self, security, ceilings):
        self.temp_dir = tempfile.mkdtemp(prefix="run-", dir=security["temp_base"])
        ctrl_read, ctrl_write = os.pipe()
        out_read, out_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(ctrl_write)
                os.close(out_read)
                runner.serve(ctrl_read, out_write, self.temp_dir, security, ceilings)
            finally:
                os._exit(runner.EXIT_SETUP_FAILED)
        os.close(ctrl_read)
        os.close(out_write)
        self.pid, self.ctrl, self.out = pid, ctrl_write, out_read
        self.ceilings = ceilings
        self.buffer = b""
        self.status = None
        self.rusage = None
        self.tests_run = 0
        self.programs = 0
        self.program_id = None
        self.ready = False

    def wait_ready(self):
        """Waits for the runner's isolation to finish (done in the background while a spare waits its turn)."""
        if not self.ready:
            ready = self.receive(10.0)
            if ready.get("t") != "ready":
                raise RunnerDied("died", ready.get("error", "runner failed to start"))
            self.ready = True
        return self

    def request(self, message, timeout):
        try:
            data = (json.dumps(message) + "\n").encode()
            view = memoryview(data)
            while view:
                view = view[os.write(self.ctrl, view):]
        except BrokenPipeError:
            self._died()
        return self.receive(timeout)

    def receive(self, timeout):
        deadline = time.monotonic() + timeout
        chunks = [self.buffer]
        size = len(self.buffer)
        while b"\n" not in chunks[-1]:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                raise RunnerDied("timeout", "killed at the wall-time limit")
            ready, _, _ = select.select([self.out], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(self.out, 1 << 20)
            if not chunk:
                self._died()
            chunks.append(chunk)  # joined once at the end: large outputs must not cost quadratic copies
            size += len(chunk)
            if size > (512 << 20):
                self.kill()
                raise RunnerDied("died", "the program flooded the judge's channel")
        line, self.buffer = b"".join(chunks).split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            self.kill()
            raise RunnerDied("died", "the program corrupted the judge's channel")

    def _died(self):
        # Reap without killing first: how it ended (signal, exit status) must be its own doing, not ours.
        if self.status is None:
            try:
                _, self.status, self.rusage = os.wait4(self.pid, 0)
            except ChildProcessError:
                pass
        self.kill()
        status = self.status
        if os.WIFSIGNALED(status):
            signum = os.WTERMSIG(status)
            raise RunnerDied("died", "killed by %s" % _signal_name(signum), signum)
        raise RunnerDied("died", "exited with status %d" % os.WEXITSTATUS(status))

    def threads(self):
        """OS threads of the runner (a thread started with _thread is invisible to threading.enumerate)."""
        try:
            with open("/proc/%d/status" % self.pid) as status:
                for line in status:
                    if line.startswith("Threads:"):
                        return int(line.split()[1])
        except OSError:
            return None
        return None

    def lifetime_cpu_ms(self):
        """After the runner was reaped: its total CPU from wait4."""
        if self.rusage is None:
            return None
        return (self.rusage.ru_utime + self.rusage.ru_stime) * 1000

    def cpu_ms(self):
        """CPU time of the runner as the kernel counts it (10 ms resolution), or None if it is gone."""
        try:
            with open("/proc/%d/stat" % self.pid) as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) * 1000.0 / CLOCK_TICKS
        except (OSError, IndexError, ValueError):
            return None

    def reset_peak_memory(self):
        try:
            with open("/proc/%d/clear_refs" % self.pid, "w") as refs:
                refs.write("5")
        except OSError:
            pass

    def peak_memory_bytes(self):
        try:
            with open("/proc/%d/status" % self.pid) as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            return None
        return None

    def kill(self):
        if self.status is None:
            for target in (lambda: os.killpg(self.pid, signal.SIGKILL), lambda: os.kill(self.pid, signal.SIGKILL)):
                try:
                    target()
                except ProcessLookupError:
                    pass
            try:
                _, self.status, self.rusage = os.wait4(self.pid, 0)
            except ChildProcessError:  # already collected by the orphan sweep below (as subreaper)
                self.status = 0
            for fd in (self.ctrl, self.out):
                os.close(fd)
            shutil.rmtree(self.temp_dir, ignore_errors=True)
        while True:  # as subreaper, collect anything reparented to us
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break

    def clear_temp_dir(self):
        for name in os.listdir(self.temp_dir):
            path = os.path.join(self.temp_dir, name)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                try:
                    os.unlink(path)
                except OSError:
                    pass


SCRATCH_MAX_ENTRIES = 10000


def scratch_bytes(temp_dir):
    """Bytes a runner's temp dir holds (allocated blocks, symlinks not followed), measured by the worker.

    The temp dir is RAM (bubblewrap's tmpfs) or the host's disk; either way the program's files are memory or
    space it holds beyond its address space, so they count against its memory limit. A tree with more entries
    than SCRATCH_MAX_ENTRIES counts as unlimited (measuring it must stay cheap)."""
    total, entries, stack = 0, 0, [temp_dir]
    while stack:
        try:
            with os.scandir(stack.pop()) as listing:
                for entry in listing:
                    entries += 1
                    if entries > SCRATCH_MAX_ENTRIES:
                        return 1 << 62
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    total += st.st_blocks * 512
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
        except OSError:
            continue
    return total


def judge(report, test, job, cpu_ms, peak_bytes, baseline_bytes, held_bytes=0):
    """The verdict for one test from what the runner reported and what the kernel measured.

    `held_bytes`: memory the program holds outside its address space (scratch files, stderr, its stdin file),
    which the peak resident size does not show but which counts against the memory limit all the same."""
    limits = job["limits"]
    cpu_limit_ms = float(limits["cpu_s"]) * 1000
    out_cap = int(limits["output_bytes"])
    if report["out_bytes"] >= out_cap:
        return "output_limit"
    if report["outcome"] == "time":
        return "time_limit"
    used = (peak_bytes - baseline_bytes if peak_bytes is not None else 0) + held_bytes
    if report["outcome"] == "memory" or used > int(limits["memory_bytes"]):
        return "memory_limit"
    if cpu_ms > cpu_limit_ms:
        return "time_limit"
    if report["outcome"] != "ok":
        return "runtime_error"
    if test.get("output") is None:
        return "accepted"  # a run without an expected output: a clean run is all we can ask
    if job["io_mode"] == "function":
        if "value" not in report:
            return "wrong_answer"
        try:
            return "accepted" if compare.value_match(job["mode"], json.loads(report["value"]), test["output"]) else "wrong_answer"
        except ValueError:
            return "wrong_answer"
    return "accepted" if compare.output_match(job["mode"], report["stdout"], test["output"]) else "wrong_answer"


class Worker:
    def __init__(self, security):
        self.security = security
        self.runner = None
        # A runner forked ahead of need: replacing one (after a crash, a limit, or to confirm a failure alone)
        # then costs no wait for fork and isolation, which happen while the current test runs.
        self.spare = None

    def fresh_runner(self, job):
        if self.runner is not None:
            self.runner.kill()
        ceilings = dict(DEFAULT_CEILINGS)
        ceilings["memory_bytes"] = max(ceilings["memory_bytes"], int(job["limits"]["memory_bytes"]))
        ceilings["output_bytes"] = max(ceilings["output_bytes"], int(job["limits"]["output_bytes"]))
        spare, self.spare = self.spare, None
        if spare is not None and (spare.status is not None or spare.ceilings["memory_bytes"] < ceilings["memory_bytes"]
                                  or spare.ceilings["output_bytes"] < ceilings["output_bytes"]):
            spare.kill()
            spare = None
        try:
            self.runner = (spare or Runner(self.security, ceilings)).wait_ready()
        except RunnerDied:
            self.runner = Runner(self.security, ceilings).wait_ready()
        self.spare = Runner(self.security, ceilings)
        return self.runner

    def usable_runner(self, job):
        r = self.runner
        if (r is None or r.status is not None or r.programs >= RUNNER_MAX_PROGRAMS
                or r.ceilings["memory_bytes"] < int(job["limits"]["memory_bytes"])
                or r.ceilings["output_bytes"] < int(job["limits"]["output_bytes"])
                or (r.cpu_ms() or 0) > RUNNER_CPU_CEILING_S * 500):
            return self.fresh_runner(job)
        return r

    def load_program(self, r, job):
        """Sends the program to the runner unless it already holds it; returns a compile error or None."""
        if r.program_id == job["id"]:
            return None
        r.clear_temp_dir()
        limits = job["limits"]
        reply = r.request({"op": "program", "code": job["code"], "io_mode": job["io_mode"], "fn_name": job.get("fn_name"),
                           "cpu_s": limits["cpu_s"], "wall_s": limits["wall_s"], "memory_bytes": limits["memory_bytes"],
                           "output_bytes": limits["output_bytes"], "trace": job.get("trace", False),
                           "trace_options": job.get("trace_options", {})}, 10.0 + float(limits["wall_s"]))
        r.programs += 1
        r.program_id = job["id"]
        if reply.get("t") == "compile_error":
            return reply["error"]
        return None

    def run_test(self, job, index):
        """Runs test `index` in a usable runner; returns (result, compile_error)."""
        r = self.usable_runner(job)
        # "Isolated" = no other program ran in this process before. Earlier tests of the same program may have
        # (each in a fresh __main__); a failure they caused is the program's own doing, and judging happens
        # outside the process, so they cannot turn a failure into a pass.
        isolated = r.programs == 0 or (r.programs == 1 and r.program_id == job["id"])
        cpu_before = None
        test = job["tests"][index]
        wall = float(job["limits"]["wall_s"])
        try:
            compile_error = self.load_program(r, job)
            if compile_error is not None:
                return None, compile_error
            baseline = r.peak_memory_bytes() or 0
            r.reset_peak_memory()
            cpu_before = r.cpu_ms()
            started = time.monotonic()
            report = r.request({"op": "test", "index": index, "input": test["input"]}, wall + SLACK_S)
            r.tests_run += 1
            if report.get("t") != "result" or report.get("index") != index or not isinstance(report.get("cpu_ms"), (int, float)):
                # The program wrote into the judge's channel, or the runner failed: this runner cannot be trusted.
                r.kill()
                raise RunnerDied("died", report.get("error") if report.get("t") == "error" else "the judge's channel was corrupted")
            cpu_kernel = (r.cpu_ms() or 0) - (cpu_before or 0)
            cpu = max(report["cpu_ms"], cpu_kernel - 50) if cpu_before is not None else report["cpu_ms"]
            peak = r.peak_memory_bytes()
            held = scratch_bytes(r.temp_dir) + max(0, int(report.get("held_bytes") or 0))
            verdict = judge(report, test, job, cpu, peak, baseline, held)
            result = {"index": index, "verdict": verdict, "cpu_ms": round(cpu, 2),
                      "wall_ms": round((time.monotonic() - started) * 1000, 2), "out_bytes": report["out_bytes"],
                      "isolated": isolated}
            if verdict == "time_limit" and cpu_kernel < float(job["limits"]["cpu_s"]) * 1000 and report.get("wall_ms", 0) < wall * 1000 * 0.9:
                result["suspect"] = "time limit reported without the time being spent"
            if peak is not None:
                result["memory_kb"] = peak // 1024
            if held:
                result["held_kb"] = held // 1024
            for key in ("error", "value_error", "trace", "exit_code"):
                if key in report:
                    result[key] = report[key]
            self.attach_output(job, result, report)
            leftover = bool(r.buffer)
            extra_threads = (r.threads() or 1) > 1
            if leftover or extra_threads or not report["clean"] or verdict in ("memory_limit", "time_limit", "output_limit"):
                r.kill()
            return result, None
        except RunnerDied as died:
            r.tests_run += 1
            # SIGKILL is the CPU hard limit only if the CPU was spent; a program can also kill itself.
            spent = (r.lifetime_cpu_ms() or 0) - cpu_before if cpu_before is not None else 0
            over_cpu = spent >= float(job["limits"]["cpu_s"]) * 1000
            verdict = "time_limit" if died.kind == "timeout" or died.signum == signal.SIGXCPU or (died.signum == signal.SIGKILL and over_cpu) else "runtime_error"
            result = {"index": index, "verdict": verdict, "cpu_ms": None,
                      "wall_ms": round(wall * 1000) if died.kind == "timeout" else None,
                      "error": died.detail, "isolated": isolated,
                      "exit_code": -died.signum if died.signum else None}
            return result, None

    def attach_output(self, job, result, report):
        capture = job.get("capture", "failed")
        if capture == "all" or (capture == "failed" and result["verdict"] != "accepted"):
            limit = int(job.get("excerpt_bytes", 4096))
            result["stdout"] = report["stdout"][:limit]
            result["stdout_truncated"] = report["out_bytes"] > limit
            result["stderr"] = report["stderr"][-limit:]
            if "value" in report:
                result["value"] = report["value"][:limit]

    def run_job(self, job):
        started = time.monotonic()
        results = []
        compile_error = None
        for index in range(len(job["tests"])):
            result, compile_error = self.run_test(job, index)
            if compile_error is not None:
                break
            # A test that overran its own limits is not re-run: earlier work cannot slow a fresh __main__ (a leaked
            # thread would have replaced the runner), and re-running would double the cost of every timeout --
            # unless the time was reported without being spent (a runner tampered with by an earlier program).
            if result["verdict"] != "accepted" and not result["isolated"] and (result["verdict"] != "time_limit" or result.get("suspect")):
                # Confirm alone in a fresh runner: earlier work in that process must not decide this verdict.
                self.fresh_runner(job)
                confirmed, compile_error = self.run_test(job, index)
                if confirmed is not None and confirmed["verdict"] == "accepted":
                    confirmed["note"] = "failed after other work in the same process (%s); passed alone" % result["verdict"]
                result = confirmed if confirmed is not None else result
            results.append(result)
            if result["verdict"] != "accepted" and job.get("stop_on_failure", True):
                break
        return {"compile_error": compile_error, "tests": results, "time_ms": round((time.monotonic() - started) * 1000, 2)}


def main():
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    temp_base = os.environ.get("REPROMPT_TEMP_BASE") or tempfile.mkdtemp(prefix="reprompt-sandbox-")
    security = probe_security(temp_base)
    send({"t": "ready", "security": {k: v for k, v in security.items() if k != "read_paths"}})
    worker = Worker(security)
    stdin = os.fdopen(0, "rb", buffering=0)
    buffer = b""
    try:
        while True:
            chunk = stdin.read(1 << 20)
            if not chunk:
                break
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                if not line.strip():
                    continue
                job = json.loads(line)
                try:
                    send({"t": "done", "id": job.get("id"), **worker.run_job(job)})
                except Exception as exc:  # a bug in the worker, not the program: report it and keep serving
                    send({"t": "done", "id": job.get("id"), "worker_error": "%s: %s" % (type(exc).__name__, exc), "tests": []})
    finally:
        for r in (worker.runner, worker.spare):
            if r is not None:
                r.kill()
        if not os.environ.get("REPROMPT_TEMP_BASE"):
            shutil.rmtree(temp_base, ignore_errors=True)


if __name__ == "__main__":
    main()
