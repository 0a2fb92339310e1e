"""The naive executor for `reprompt bench exec`: one fresh interpreter per test, as TACO and CodeContests do.

Same job/reply protocol as worker.py (jobs on stdin, replies on $REPROMPT_OUT_FD) and the same comparison
rules, so both executors must reach the same verdicts; only the cost differs. Not a sandbox: benchmark only.
"""
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402

OUT_FD = int(os.environ.get("REPROMPT_OUT_FD", "3"))
FUNCTION_WRAPPER = """
import json, sys
source = open(sys.argv[1]).read()
namespace = {"__name__": "__main__"}
exec(compile(source, "solution.py", "exec"), namespace)
target = namespace.get("Solution")
target = getattr(target(), sys.argv[2]) if target is not None else namespace[sys.argv[2]]
def plain(v):
    if isinstance(v, (tuple, list)):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    return v
sys.stdout.write("\\n@@RESULT@@" + json.dumps(plain(target(*json.loads(sys.stdin.read())))))
"""


def run_job(job):
    limits = job["limits"]
    temp = tempfile.mkdtemp(prefix="naive-")
    started = time.monotonic()
    results = []
    compile_error = None
    try:
        solution = os.path.join(temp, "solution.py")
        with open(solution, "w") as f:
            f.write(job["code"])
        try:
            compile(job["code"], "solution.py", "exec")
        except BaseException as exc:
            compile_error = "%s: %s" % (type(exc).__name__, exc)
            return {"compile_error": compile_error, "tests": [], "time_ms": round((time.monotonic() - started) * 1000, 2)}
        wrapper = os.path.join(temp, "wrapper.py")
        with open(wrapper, "w") as f:
            f.write(FUNCTION_WRAPPER)
        memory = int(limits["memory_bytes"]) + (64 << 20)

        def limit():
            os.setsid()
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            cpu = int(float(limits["cpu_s"])) + 1
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))

        function_mode = job["io_mode"] == "function"
        for index, test in enumerate(job["tests"]):
            argv = [sys.executable, "-S", wrapper, solution, job.get("fn_name") or ""] if function_mode else [sys.executable, "-S", solution]
            t0 = time.monotonic()
            usage0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            try:
                proc = subprocess.run(argv, input=test["input"].encode(), capture_output=True, timeout=float(limits["wall_s"]),
                                      cwd=temp, preexec_fn=limit)
                timed_out = False
            except subprocess.TimeoutExpired:
                proc, timed_out = None, True
            usage1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu_ms = ((usage1.ru_utime + usage1.ru_stime) - (usage0.ru_utime + usage0.ru_stime)) * 1000
            if timed_out or cpu_ms > float(limits["cpu_s"]) * 1000 or (proc.returncode < 0 and proc.returncode in (-24, -9)):
                verdict = "time_limit"
            elif len(proc.stdout) >= int(limits["output_bytes"]):
                verdict = "output_limit"
            elif proc.returncode != 0:
                verdict = "memory_limit" if b"MemoryError" in proc.stderr[-2000:] else "runtime_error"
            elif test.get("output") is None:
                verdict = "accepted"
            elif function_mode:
                raw = proc.stdout.decode("utf-8", "backslashreplace")
                marker = raw.rfind("\n@@RESULT@@")
                try:
                    ok = marker >= 0 and compare.value_match(job["mode"], json.loads(raw[marker + 11:]), test["output"])
                except ValueError:
                    ok = False
                verdict = "accepted" if ok else "wrong_answer"
            else:
                verdict = "accepted" if compare.output_match(job["mode"], proc.stdout.decode("utf-8", "backslashreplace"), test["output"]) else "wrong_answer"
            results.append({"index": index, "verdict": verdict, "cpu_ms": round(cpu_ms, 2), "wall_ms": round((time.monotonic() - t0) * 1000, 2)})
            if verdict != "accepted" and job.get("stop_on_failure", True):
                break
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return {"compile_error": compile_error, "tests": results, "time_ms": round((time.monotonic() - started) * 1000, 2)}


def main():
    out = os.fdopen(OUT_FD, "w", buffering=1)
    out.write(json.dumps({"t": "ready", "security": {"naive": True, "python": sys.version.split()[0]}}) + "\n")
    for line in sys.stdin:
        if line.strip():
            job = json.loads(line)
            out.write(json.dumps({"t": "done", "id": job.get("id"), **run_job(job)}) + "\n")


if __name__ == "__main__":
    main()
