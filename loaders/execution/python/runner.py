"""The sandboxed runner: a process that runs programs' tests on request, one at a time, and never judges.

Forked by the worker and isolated once (own session, parent-death signal, rlimits, Landlock, seccomp), it then
serves many programs in turn: each program is compiled once and each test runs in a fresh __main__ module with
fresh memfd-backed stdin/stdout/stderr and restored interpreter settings. It only reports what happened (exit
kind, output, error); the worker compares outputs with the expected ones, which this process never receives,
so a program cannot patch the judge. Whatever could leak into later work (a live thread, a timer that fired,
a MemoryError) is reported as `clean: false` and the worker replaces this process.
"""
import builtins
import ctypes
import errno
import io
import json
import os
import resource
import signal
import sys
import tempfile
import threading
import time
import traceback
import types

import landlock
import seccomp_filter

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
PR_CAPBSET_DROP = 24
EXIT_SETUP_FAILED = 97
TRACEBACK_LINES = 12
_libc = ctypes.CDLL(None, use_errno=True)


class TimeLimit(BaseException):
    """Raised by the wall/CPU timers; a BaseException so `except Exception` in the program does not swallow it."""


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _drop_capabilities():
    """A root caller without bubblewrap keeps uid 0 (the interpreter may live under /root) but no capability."""

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    for cap in range(64):
        _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)  # unknown capability numbers just fail
    header = Header(0x20080522, 0)
    data = (Data * 2)()
    _libc.syscall.restype = ctypes.c_long
    if _libc.syscall(126, ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")


def _vm_size_bytes():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 64 << 20


def isolate(ctrl_fd, out_fd, temp_dir, security, ceilings):
    """Applies every layer, irreversibly. `ceilings` are the hard limits no program may exceed."""
    os.setsid()
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() == 1:
        os._exit(EXIT_SETUP_FAILED)
    _libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    os.chdir(temp_dir)
    # The only writable place is the temp dir: make tempfile and $TMPDIR point there, not at a cached /tmp.
    os.environ["TMPDIR"] = temp_dir
    tempfile.tempdir = temp_dir
    low, high = sorted((ctrl_fd, out_fd))
    os.closerange(3, low)
    os.closerange(low + 1, high)
    os.closerange(high + 1, 1 << 16)
    baseline = _vm_size_bytes()
    memory_ceiling = int(ceilings["memory_bytes"]) + baseline
    resource.setrlimit(resource.RLIMIT_AS, (memory_ceiling, memory_ceiling))
    resource.setrlimit(resource.RLIMIT_FSIZE, (int(ceilings["output_bytes"]), int(ceilings["output_bytes"])))
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        stack = min(int(ceilings["memory_bytes"]), 1 << 30)
        resource.setrlimit(resource.RLIMIT_STACK, (stack, stack))
    except (ValueError, OSError):
        pass
    cpu = int(ceilings["cpu_s"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(NO_NEW_PRIVS) failed")
    if security.get("drop_capabilities"):
        _drop_capabilities()
    if security.get("landlock_abi", 0) > 0:
        landlock.restrict(security["read_paths"], [temp_dir], security["landlock_abi"])
    # stdin/stdout/stderr files for every test, made now: seccomp then denies memfd_create to the program.
    _STD_FDS[:] = [os.memfd_create(name, 0) for name in ("stdin", "stdout", "stderr")]
    if security.get("seccomp"):
        seccomp_filter.install(os.getpid())
    return baseline


def _cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _on_timer(signum, frame):
    raise TimeLimit()


def _program_traceback(exc):
    """The traceback from the program's own frames on (ours are not the program's business); last frames only."""
    frames = traceback.extract_tb(exc.__traceback__, limit=-TRACEBACK_LINES)
    while frames and frames[0].filename != "solution.py":
        frames.pop(0)
    lines = traceback.format_list(frames) + traceback.format_exception_only(type(exc), exc)
    text = ("Traceback (most recent call last):\n" if frames else "") + "".join(lines)
    return "\n".join(text.rstrip("\n").split("\n")[-TRACEBACK_LINES:])


class _Settings:
    """Interpreter settings a program may change and the next test must not inherit."""

    def __init__(self):
        self.builtins = dict(builtins.__dict__)
        self.recursion = sys.getrecursionlimit()
        self.max_digits = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else None
        self.main = sys.modules.get("__main__")
        self.modules = set(sys.modules)
        self.cwd = os.getcwd()
        self.path = list(sys.path)

    def restore(self):
        if builtins.__dict__ != self.builtins:
            builtins.__dict__.clear()
            builtins.__dict__.update(self.builtins)
        sys.setrecursionlimit(self.recursion)
        if self.max_digits is not None:
            sys.set_int_max_str_digits(self.max_digits)
        sys.modules["__main__"] = self.main
        sys.path[:] = self.path
        sys.stdin, sys.stdout, sys.stderr = sys.__stdin__, sys.__stdout__, sys.__stderr__
        try:
            os.chdir(self.cwd)
        except OSError:
            pass


_STD_FDS = []


def _reset_std_fd(index, data=b""):
    """One of the runner's own memfds, emptied (and refilled with `data`), duplicated for this test."""
    fd = _STD_FDS[index]
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    if data:
        _write_all(fd, data)
        os.lseek(fd, 0, os.SEEK_SET)
    return os.dup(fd)


def _read_back(fd, limit):
    size = os.lseek(fd, 0, os.SEEK_END)
    return os.pread(fd, min(size, limit), 0), size


def run_test(code, program, test, settings, trace_hook=None):
    """Runs one test of `program` on `test["input"]`; returns the report (no verdict: the worker judges)."""
    cpu_limit = float(program["cpu_s"])
    wall_limit = float(program["wall_s"])
    function_mode = program["io_mode"] == "function"
    stdin_data = b"" if function_mode else test["input"].encode()
    fds = [_reset_std_fd(0, stdin_data), _reset_std_fd(1), _reset_std_fd(2)]
    saved = [os.dup(fd) for fd in fds]
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    sys.stdin = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(io.BufferedWriter(io.FileIO(1, "w", closefd=False)), encoding="utf-8")
    sys.stderr = io.TextIOWrapper(io.BufferedWriter(io.FileIO(2, "w", closefd=False)), encoding="utf-8", errors="backslashreplace")
    main = types.ModuleType("__main__")
    main.__dict__["__builtins__"] = builtins
    main.__dict__["__file__"] = "solution.py"
    sys.modules["__main__"] = main
    threads_before = set(threading.enumerate())
    outcome, error, value, trace, exit_status, failure = "ok", None, None, None, 0, None
    cpu_start, wall_start = _cpu_seconds(), time.monotonic()
    hard_cpu = resource.getrlimit(resource.RLIMIT_CPU)[1]
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (min(int(cpu_start + cpu_limit) + 1, hard_cpu), hard_cpu))
    except (ValueError, OSError):
        pass
    signal.signal(signal.SIGALRM, _on_timer)
    signal.signal(signal.SIGXCPU, _on_timer)
    signal.signal(signal.SIGPROF, _on_timer)
    # The CPU limit to the millisecond (RLIMIT_CPU, in whole seconds, stays as the kernel's backstop).
    signal.setitimer(signal.ITIMER_PROF, cpu_limit + 0.005)
    signal.setitimer(signal.ITIMER_REAL, wall_limit)
    try:
        try:
            if trace_hook is not None:
                trace = trace_hook(code, main.__dict__)
            else:
                exec(code, main.__dict__)
            if function_mode:
                solution = main.__dict__.get("Solution")
                target = getattr(solution(), program["fn_name"]) if solution is not None else main.__dict__.get(program["fn_name"])
                if target is None:
                    raise NameError("neither class Solution nor function %s is defined" % program["fn_name"])
                value = target(*json.loads(test["input"]))
            for thread in threading.enumerate():
                if thread not in threads_before and not thread.daemon and thread is not threading.current_thread():
                    thread.join()
        except SystemExit as exit_:
            status = exit_.code
            if status is not None and status != 0:
                if not isinstance(status, int):
                    print(status, file=sys.stderr)
                exit_status = status if isinstance(status, int) else 1
                outcome, error = "exit", "exit status %d" % exit_status
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.setitimer(signal.ITIMER_PROF, 0)
    except TimeLimit:
        outcome = "time"
    except MemoryError:
        outcome, error = "memory", "MemoryError"
    except OSError as exc:
        if exc.errno == errno.ENOMEM:  # mmap and friends report the address-space limit this way
            outcome, error = "memory", "OSError: [Errno 12] Cannot allocate memory"
        else:
            outcome, failure = "error", exc
    except BaseException as exc:  # the program's own exception; formatted after the clock stops
        outcome, failure = "error", exc
    cpu_end, wall_end = _cpu_seconds(), time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.setitimer(signal.ITIMER_PROF, 0)
    if outcome == "error":
        sys.setrecursionlimit(max(settings.recursion, 1000))
        try:
            error = _program_traceback(failure)
        except BaseException as exc:  # a traceback too deep or too odd to format: say what we can
            error = "%s (traceback unavailable: %s)" % (type(failure).__name__, type(exc).__name__)
        failure = None
    flush_failed = False
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            flush_failed = flush_failed or stream is sys.stdout
    cpu = cpu_end - cpu_start
    wall = wall_end - wall_start
    # At the output cap only a preview travels back: the verdict is output_limit whatever the rest says.
    out_cap = int(program["output_bytes"])
    stdout_size = os.lseek(saved[1], 0, os.SEEK_END)
    stdout_bytes, out_size = _read_back(saved[1], 4096 if stdout_size >= out_cap else out_cap)
    stderr_bytes, stderr_size = _read_back(saved[2], 1 << 16)
    # RAM the program filled outside its address space: stderr, and anything written into its (read-write) stdin.
    held_bytes = stderr_size + max(0, os.lseek(saved[0], 0, os.SEEK_END) - len(stdin_data))
    for fd in saved:
        os.close(fd)
    leaked_threads = [t for t in threading.enumerate() if t not in threads_before]
    settings.restore()
    main.__dict__.clear()
    if outcome == "ok" and flush_failed:
        outcome, error = "error", "writing the output failed"
    report = {
        "outcome": outcome,
        "cpu_ms": round(cpu * 1000, 3),
        "wall_ms": round(wall * 1000, 3),
        "out_bytes": out_size,
        "stdout": stdout_bytes.decode("utf-8", errors="backslashreplace"),
        "stderr": stderr_bytes[-4096:].decode("utf-8", errors="backslashreplace"),
        "clean": not leaked_threads and outcome not in ("time", "memory"),
        "held_bytes": held_bytes,
    }
    if error:
        report["error"] = error
    report["exit_code"] = {"ok": 0, "exit": exit_status, "error": 1, "memory": 1}.get(outcome)
    if function_mode and outcome == "ok":
        try:
            report["value"] = json.dumps(_jsonable(value))
        except (TypeError, ValueError) as exc:
            report["value_error"] = "return value is not JSON-serialisable: %s" % exc
    if trace is not None:
        report["trace"] = trace
    return report


def _jsonable(value):
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def _set_soft(limit, soft):
    hard = resource.getrlimit(limit)[1]
    resource.setrlimit(limit, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def handle(request, settings, state):
    """One request from the worker: load a program (compile it, set its limits) or run one test."""
    if request["op"] == "program":
        program = state["program"] = request
        state["trace_hook"] = None
        # This program's own limits, under the runner's ceilings (soft limits: a program may not exceed them).
        _set_soft(resource.RLIMIT_AS, int(program["memory_bytes"]) + _vm_size_bytes())
        _set_soft(resource.RLIMIT_FSIZE, int(program["output_bytes"]))
        try:
            state["code"] = compile(program["code"], "solution.py", "exec")
        except BaseException as exc:  # SyntaxError, ValueError (null bytes), RecursionError, MemoryError
            state["code"] = None
            return {"t": "compile_error", "error": _program_traceback(exc)}
        if program.get("trace"):
            import ldb_tracer
            state["trace_hook"] = ldb_tracer.make_hook(program["code"], program.get("trace_options", {}))
        return {"t": "compiled"}
    if request["op"] == "test":
        return {"t": "result", "index": request["index"], **run_test(state["code"], state["program"], request, settings, state["trace_hook"])}
    return {"t": "error", "error": "unknown request %r" % request.get("op"), "clean": False}


def serve(ctrl_fd, out_fd, temp_dir, security, ceilings):
    """Entry point in the forked child: isolate, then answer requests until the worker closes the pipe."""
    try:
        isolate(ctrl_fd, out_fd, temp_dir, security, ceilings)
    except BaseException as exc:
        _write_all(out_fd, (json.dumps({"t": "setup_error", "error": "%s: %s" % (type(exc).__name__, exc)}) + "\n").encode())
        os._exit(EXIT_SETUP_FAILED)
    settings = _Settings()
    requests = os.fdopen(ctrl_fd, "rb", buffering=0)
    buffer = b""
    state = {"program": None, "code": None, "trace_hook": None}
    _write_all(out_fd, b'{"t": "ready"}\n')
    while True:
        while b"\n" not in buffer:
            chunk = requests.read(1 << 20)
            if not chunk:
                os._exit(0)
            buffer += chunk
        line, buffer = buffer.split(b"\n", 1)
        request = json.loads(line)
        try:
            reply = handle(request, settings, state)
        except BaseException as exc:  # never let one request kill the loop: report, and ask to be replaced
            reply = {"t": "error", "error": "%s: %s" % (type(exc).__name__, exc), "clean": False}
        _write_all(out_fd, (json.dumps(reply) + "\n").encode())
