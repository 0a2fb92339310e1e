"""LDB-style execution traces (Zhong et al. 2024), recorded inside the sandbox with sys.settrace.

The runner calls `make_hook(source, options)` once per program (lazily, only for traced jobs) and then
`hook(code, globals)` instead of `exec(code, globals)`. The program runs unmodified: no source rewriting, so
what is traced is exactly what is judged. Only frames of solution.py are recorded (the module and user
functions; comprehensions, lambdas and class bodies fold into the frame around them). Each frame's line events
are split into dynamic block instances whenever the static basic block changes (notes: execution.md §7); a
state snapshot is taken only at those boundaries, so tracing costs little more than the line events.

Stdlib only (this runs inside the sandbox). The runner's TimeLimit is a BaseException raised from signal
handlers: nothing here catches BaseException, so time limits still interrupt a traced program.
"""
import ast
import collections
import itertools
import json
import reprlib
import sys
import types

SOLUTION_FILE = "solution.py"
CO_NEWLOCALS = 0x0002
DEFAULTS = {
    "max_events": 100000,  # line events recorded before tracing stops (the program then runs on untraced)
    "keep_head": 5,  # block instances kept from the start of the run ...
    "keep_tail": 5,  # ... and from its end; the middle is only counted
    "max_value_chars": 300,  # one value's rendering, after reprlib's own limits
}
# Names bound to these are not program state the model needs to see (LDB drops modules and functions too).
HIDDEN_TYPES = (
    types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.LambdaType, type,
    types.MethodWrapperType, types.WrapperDescriptorType, types.MethodDescriptorType, types.ClassMethodDescriptorType,
)
_FLAT_TYPES = (float, bool, type(None), complex)
BLOCK_ENDERS = (ast.Return, ast.Break, ast.Continue, ast.Raise, ast.Assert)


class _Blocks:
    """Static block map of the source: line → block id and line → the span of its statement (or header)."""

    def __init__(self, source):
        self.lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.block_of = {}
        self.span_of = {}
        self.count = 0
        self.body(ast.parse(source).body)

    def new(self):
        self.count += 1
        return self.count

    def mark(self, first, last, block):
        for line in range(first, last + 1):
            self.block_of[line] = block
            self.span_of[line] = (first, last)

    def header_end(self, node, body):
        """Last line of a compound statement's header: the line before its body, minus comments and blanks."""
        end = max(node.lineno, body[0].lineno - 1)
        while end > node.lineno and self.lines[end - 1].strip()[:1] in ("", "#"):
            end -= 1
        return end

    def body(self, statements, current=None):
        current = self.new() if current is None else current
        for node in statements:
            current = self.statement(node, current)

    def statement(self, node, current):
        """Marks `node`'s lines; returns the block the next statement at this level extends."""
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            # A definition is a simple statement at its level; its body has blocks of its own.
            first = min([d.lineno for d in node.decorator_list] + [node.lineno])
            self.mark(first, self.header_end(node, node.body), current)
            self.body(node.body)
            return current
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            # The loop header is a guard block of its own: every iteration passes through it.
            guard = self.new()
            self.mark(node.lineno, (node.test if isinstance(node, ast.While) else node.iter).end_lineno, guard)
            self.body(node.body)
            if node.orelse:
                self.body(node.orelse)
            return self.new()
        if isinstance(node, ast.If):
            # As in LDB's CFG builder: the test ends the block it belongs to; branches and what follows are new.
            self.mark(node.lineno, node.test.end_lineno, current)
            self.body(node.body)
            if node.orelse:
                self.body(node.orelse)
            return self.new()
        if isinstance(node, (ast.With, ast.AsyncWith)):
            self.mark(node.lineno, self.header_end(node, node.body), current)
            self.body(node.body)
            return self.new()
        if isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            self.mark(node.lineno, node.lineno, current)
            self.body(node.body)
            for handler in node.handlers:
                block = self.new()
                self.mark(handler.lineno, self.header_end(handler, handler.body), block)
                self.body(handler.body, block)
            for extra in (node.orelse, node.finalbody):
                if extra:
                    self.body(extra)
            return self.new()
        if type(node).__name__ == "Match":
            self.mark(node.lineno, node.subject.end_lineno, current)
            for case in node.cases:
                block = self.new()
                self.mark(case.pattern.lineno, self.header_end(case.pattern, case.body), block)
                self.body(case.body, block)
            return self.new()
        self.mark(node.lineno, node.end_lineno or node.lineno, current)
        return self.new() if isinstance(node, BLOCK_ENDERS) else current

    def text(self, line_numbers):
        """Source lines of the statements executed, in order, consecutive repeats collapsed."""
        spans = []
        for line in line_numbers:
            span = self.span_of.get(line, (line, line))
            if not spans or spans[-1] != span:
                spans.append(span)
        out = []
        for first, last in spans:
            out.extend(self.lines[first - 1:last])
        return out


class _Repr(reprlib.Repr):
    """reprlib with limits, plus fast paths: a state snapshot is taken at every block boundary, and reprlib's
    per-element Python calls (and its sorting of dict keys) made a loop over a grid 100x slower than the
    program. Flat runs of numbers and short strings are rendered by the C repr of a bounded slice."""

    def __init__(self, max_chars):
        super().__init__()
        self.maxlevel, self.maxdict, self.maxlist, self.maxtuple = 3, 8, 12, 12
        self.maxset, self.maxfrozenset, self.maxdeque, self.maxarray = 12, 12, 12, 12
        self.maxstring, self.maxlong, self.maxother = 120, 80, 120
        self.max_chars = max_chars

    def _flat(self, items):
        """True when the C repr of `items` is cheap and bounded: small numbers and short strings only."""
        for item in items:
            kind = type(item)
            if kind is int:
                if item.bit_length() > 4 * self.maxlong:
                    return False
            elif kind is str:
                if len(item) > self.maxstring:
                    return False
            elif kind not in _FLAT_TYPES:
                return False
        return True

    def repr1(self, x, level):
        kind = type(x)
        if kind is int:
            return self.repr_int(x, level)
        if kind is str:
            return repr(x) if len(x) <= self.maxstring else repr(x[:self.maxstring]) + "..."
        if kind in _FLAT_TYPES:
            return repr(x)
        if kind is list or kind is tuple:
            limit = self.maxlist
            head = x[:limit]
            if level <= 0 and x:
                return "[...]" if kind is list else "(...)"
            more = ", ..." if len(x) > limit else ""
            if self._flat(head):
                text = repr(head)
            else:
                inner = ", ".join([self.repr1(item, level - 1) for item in head])
                text = "[%s]" % inner if kind is list else "(%s%s)" % (inner, "," if len(head) == 1 else "")
            return text[:-1] + more + text[-1]
        if kind is dict:
            if level <= 0 and x:
                return "{...}"
            head = list(itertools.islice(x.items(), self.maxdict))  # insertion order: no sorting per snapshot
            more = ", ..." if len(x) > self.maxdict else ""
            if self._flat([item for pair in head for item in pair]):
                return repr(dict(head))[:-1] + more + "}"
            inner = ", ".join(["%s: %s" % (self.repr1(k, level - 1), self.repr1(v, level - 1)) for k, v in head])
            return "{%s%s}" % (inner, more)
        if kind in (bytes, bytearray):
            head = bytes(x[:self.maxstring])
            text = repr(head) + ("..." if len(x) > self.maxstring else "")
            return text if kind is bytes else "bytearray(%s)" % text
        if kind is not bool and kind.__module__ != "builtins" and not hasattr(x, "_fields"):
            for base, method in ((dict, self.repr_dict), (list, self.repr_list), (tuple, self.repr_tuple),
                                 (set, self.repr_set), (frozenset, self.repr_frozenset)):
                if isinstance(x, base):
                    return "%s(%s)" % (kind.__name__, method(x, level))
        return super().repr1(x, level)

    def repr_instance(self, x, level):
        if type(x).__repr__ is object.__repr__:
            return "<%s object>" % type(x).__name__  # the default repr's address is noise that changes per run
        return super().repr_instance(x, level)

    def repr_int(self, x, level):
        if x.bit_length() > 4 * self.maxlong:  # str() of a huge int is quadratic (and limited in 3.11+)
            return "<int of %d bits>" % x.bit_length()
        return super().repr_int(x, level)

    def render(self, value):
        try:
            text = self.repr(value)
        except Exception as exc:  # a user __repr__ that fails; TimeLimit (a BaseException) passes through
            text = "<%s: repr failed (%s)>" % (type(value).__name__, type(exc).__name__)
        return text if len(text) <= self.max_chars else text[:self.max_chars] + "..."


class _Recorder:
    """Collects block instances across frames; keeps the first and last few, counts the rest."""

    def __init__(self, blocks, options):
        self.blocks = blocks
        self.max_events = int(options["max_events"])
        self.keep_head = max(0, int(options["keep_head"]))
        self.head = []
        self.tail = collections.deque(maxlen=max(0, int(options["keep_tail"])))
        self.total = 0
        self.events = 0
        self.truncated = False
        self.repr = _Repr(int(options["max_value_chars"]))

    def state(self, frame_locals):
        render = self.repr.render
        return {name: render(value) for name, value in list(frame_locals.items())
                if not name.startswith("__") and not isinstance(value, HIDDEN_TYPES)}

    def open(self, function, line, state):
        instance = {"index": self.total, "function": function, "lines": [line], "pre": state, "post": None}
        self.total += 1
        if len(self.head) < self.keep_head:
            self.head.append(instance)
        else:
            self.tail.append(instance)
        return instance

    def on_call(self, frame, event, arg):
        """The global trace function: picks the frames to record and gives each its own local tracer."""
        if event != "call" or self.truncated:
            return None
        code = frame.f_code
        if code.co_filename != SOLUTION_FILE:
            return None
        if code.co_name != "<module>" and (not code.co_flags & CO_NEWLOCALS or code.co_name.startswith("<")):
            return None  # class bodies, comprehensions, lambdas, generator expressions
        return _Frame(self, code.co_name).on_event

    def stop(self):
        self.truncated = True
        sys.settrace(None)

    def result(self, error, events_cap_hit):
        kept = self.head + list(self.tail)
        for instance in kept:
            instance["line"] = instance["lines"][0]
            instance["lines"] = self.blocks.text(instance["lines"])
        return {"blocks": kept, "total_blocks": self.total, "omitted_blocks": self.total - len(kept),
                "events": self.events, "truncated_events": events_cap_hit, "error": error}


class _Frame:
    """Local tracer of one frame: its current block and block instance."""

    __slots__ = ("recorder", "function", "block", "instance", "raising")

    def __init__(self, recorder, function):
        self.recorder, self.function = recorder, function
        self.block = self.instance = self.raising = None

    def on_event(self, frame, event, arg):
        recorder = self.recorder
        if recorder.truncated:
            frame.f_trace = None
            return None
        if event == "line":
            recorder.events += 1
            if recorder.events > recorder.max_events:
                recorder.events -= 1
                recorder.stop()
                return None
            self.raising = None  # a line after an exception event: it was caught here
            line = frame.f_lineno
            block = recorder.blocks.block_of.get(line, self.block)
            if self.instance is None or block != self.block:
                state = recorder.state(frame.f_locals)
                if self.instance is not None:
                    self.instance["post"] = state
                self.instance = recorder.open(self.function, line, state)
                self.block = block
            elif self.instance["lines"][-1] != line:
                self.instance["lines"].append(line)
        elif event == "exception":
            self.raising = _exception_text(arg[1], recorder.repr.max_chars)
        elif event == "return" and self.instance is not None:
            state = recorder.state(frame.f_locals)
            if self.raising is not None:
                state["_exception"] = self.raising
            elif self.function != "<module>":
                state["_ret"] = recorder.repr.render(arg)
            self.instance["post"] = state
        return self.on_event


def _exception_text(exc, limit):
    try:
        message = str(exc)
    except Exception:
        message = "?"
    text = "%s: %s" % (type(exc).__name__, message) if message else type(exc).__name__
    return text if len(text) <= limit else text[:limit] + "..."


def _describe(exc, limit):
    """Type, message and the solution.py line (and function) where `exc` was raised."""
    line = function = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == SOLUTION_FILE:
            line, function = tb.tb_lineno, tb.tb_frame.f_code.co_name
        tb = tb.tb_next
    try:
        message = str(exc)
    except Exception:
        message = "?"
    return {"type": type(exc).__name__, "message": message[:limit], "line": line, "function": function}


def _call_target(globals_, call):
    """Function-mode problems: the call the runner makes after the module ran, made here so it is traced."""
    solution = globals_.get("Solution")
    name = call["fn_name"]
    target = getattr(solution(), name) if solution is not None else globals_.get(name)
    if target is None:
        raise NameError("neither class Solution nor function %s is defined" % name)
    return target(*json.loads(call["input"]))


def make_hook(source, options=None):
    """Builds the block map once; the hook runs the program traced and returns the JSON-able trace.

    A program that raises (or exits non-zero) has its exception recorded in `error` and the trace returned:
    re-raising would lose the trace, because the runner keeps the hook's return value only. The runner then
    sees a clean run; callers take the verdict from an untraced run and use this run for the trace only.
    """
    options = dict(DEFAULTS, **(options or {}))
    blocks = _Blocks(source)

    def hook(code, globals_):
        recorder = _Recorder(blocks, options)
        error = None
        sys.settrace(recorder.on_call)
        try:
            exec(code, globals_)
            if options.get("call"):
                _call_target(globals_, options["call"])
        except MemoryError:
            raise
        except SystemExit as exc:
            if exc.code not in (None, 0):
                error = {"type": "SystemExit", "message": "exit status %s" % (exc.code,), "line": None, "function": None}
        except Exception as exc:
            error = _describe(exc, recorder.repr.max_chars)
            try:
                sys.stderr.write("%s: %s (line %s)\n" % (error["type"], error["message"], error["line"]))
            except Exception:
                pass
        finally:
            sys.settrace(None)
        return recorder.result(error, recorder.truncated)

    return hook
