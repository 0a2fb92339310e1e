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
import re
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
    "state_chars": 0,  # the renderer's cut of a joined state (LDB: 100); 0 renders every value
}
# Names bound to these are not program state the model needs to see (LDB drops modules and functions too).
HIDDEN_TYPES = (
    types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.LambdaType, type,
    types.MethodWrapperType, types.WrapperDescriptorType, types.MethodDescriptorType, types.ClassMethodDescriptorType,
)
_FLAT_TYPES = (float, bool, type(None), complex)
_SMALL_INT = 10 ** 30
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
# Types kept without the isinstance test against HIDDEN_TYPES (most values are of these).
_PLAIN_TYPES = frozenset([int, float, bool, str, list, dict, tuple, set, frozenset, type(None), bytes, bytearray])
_CONTAINERS = ((list, "[]"), (tuple, "()"), (dict, "{}"), (set, "{}"), (frozenset, "{}"))
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
        if isinstance(node, (ast.If, ast.With, ast.AsyncWith)):
            # As in LDB's CFG builder: the header ends the block it belongs to; branches and what follows are new.
            self.mark(node.lineno, node.test.end_lineno if isinstance(node, ast.If) else self.header_end(node, node.body), current)
            for branch in (node.body, getattr(node, "orelse", None)):
                if branch:
                    self.body(branch)
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
    """reprlib with limits and fast paths: states are rendered at every block boundary, and reprlib's
    per-element calls (and its sorting of dicts and sets) made a loop over a grid 100x slower than the program.
    Containers show their first items in iteration order; flat runs go through the C repr of a bounded slice."""

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
                if not -_SMALL_INT < item < _SMALL_INT:
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
        if kind in (bytes, bytearray):
            text = repr(bytes(x[:self.maxstring])) + ("..." if len(x) > self.maxstring else "")
            return text if kind is bytes else "bytearray(%s)" % text
        for base, brackets in _CONTAINERS if not hasattr(x, "_fields") else ():  # namedtuples: their own repr
            if isinstance(x, base):  # builtins and their subclasses (defaultdict, Counter, ...), never sorted
                text = self._container(x, level, base, brackets)
                return "%s(%s)" % (kind.__name__, text) if kind is frozenset or kind.__module__ != "builtins" else text
        return super().repr1(x, level)

    def _container(self, x, level, base, brackets):
        if not x:
            return {set: "set()", frozenset: ""}.get(base, brackets)
        if level <= 0:
            return brackets[0] + "..." + brackets[1]
        limit = self.maxdict if base is dict else self.maxlist
        if base is dict:
            head = list(itertools.islice(x.items(), limit))
            if self._flat([item for pair in head for item in pair]):
                inner = repr(dict(head))[1:-1]
            else:
                inner = ", ".join(["%s: %s" % (self.repr1(k, level - 1), self.repr1(v, level - 1)) for k, v in head])
        else:
            head = list(itertools.islice(x, limit))
            inner = repr(head)[1:-1] if self._flat(head) else ", ".join([self.repr1(item, level - 1) for item in head])
            if base is tuple and len(x) == 1:
                inner += ","
        return brackets[0] + inner + (", ..." if len(x) > limit else "") + brackets[1]

    def repr_instance(self, x, level):
        if type(x).__repr__ is object.__repr__:
            return "<%s object>" % type(x).__name__  # the default repr's address is noise that changes per run
        try:
            text = _ADDRESS.sub("", repr(x))  # "<function f at 0x7f...>" → "<function f>": addresses change per run
        except Exception:
            return "<%s object (repr failed)>" % type(x).__name__
        return text if len(text) <= self.maxother else text[:self.maxother] + "..."

    def repr_int(self, x, level):
        if x.bit_length() > 4000:  # str() of a huge int is quadratic (and limited in 3.11+)
            return "<int of %d bits>" % x.bit_length()
        return super().repr_int(x, level)

    def render(self, value):
        kind = type(value)
        if kind is int and -_SMALL_INT < value < _SMALL_INT or kind is float or kind is bool or value is None:
            return repr(value)  # the common case, without reprlib's dispatch
        try:
            text = self.repr1(value, self.maxlevel)
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
        self.active = None  # the traced frame that ran the latest line: the caller of the next traced call
        self.repr = _Repr(int(options["max_value_chars"]))
        self.state_chars = max(0, int(options["state_chars"]))

    def state(self, frame_locals, extra=None):
        """name → rendered value; `extra` (already rendered) goes last.

        With `state_chars` set, the renderer keeps only the first and last state_chars/2 characters of the
        tab-joined state, so only values reaching into those ends are rendered; the ones in between get a
        placeholder the cut always removes. Rendering is the cost of tracing: this keeps it per boundary small.
        """
        render = self.repr.render
        items = []
        for name, value in list(frame_locals.items()):
            if name[:2] == "__" or (type(value) not in _PLAIN_TYPES and isinstance(value, HIDDEN_TYPES)):
                continue
            items.append((name, value))
        tail = list(extra.items()) if extra else []
        half = self.state_chars // 2 + 4
        if not self.state_chars or len(items) <= 2:
            return dict([(name, render(value)) for name, value in items] + tail)
        front, back, i, j = [], [], 0, len(items)
        size = 0
        while i < j and size < half:
            front.append((items[i][0], render(items[i][1])))
            size, i = size + len(front[-1][0]) + len(front[-1][1]) + 4, i + 1  # "name = text" and a tab
        size = sum(len(name) + len(text) + 4 for name, text in tail)
        while j > i and size < half:
            j -= 1
            back.append((items[j][0], render(items[j][1])))
            size += len(back[-1][0]) + len(back[-1][1]) + 4
        return dict(front + [(name, "...") for name, _ in items[i:j]] + back[::-1] + tail)

    def open(self, function, line, state):
        instance = {"index": self.total, "function": function, "lines": [line], "pre": state, "post": None}
        self.total += 1
        if len(self.head) < self.keep_head:
            self.head.append(instance)
        else:
            self.tail.append(instance)
        return instance

    def on_call(self, frame, event, arg):
        """The global trace function: picks the frames to record and gives each its own local tracer.

        A call ends the caller's current instance and the return opens a continuation of it, so instances
        stay in execution order and each state is true at its point in time (the caller's block resumes
        after the callee's blocks, not before them).
        """
        if event != "call" or self.truncated:
            return None
        code = frame.f_code
        if code.co_filename != SOLUTION_FILE:
            return None
        if code.co_name != "<module>" and (not code.co_flags & CO_NEWLOCALS or code.co_name.startswith("<")):
            return None  # class bodies, comprehensions, lambdas, generator expressions
        caller = self.active
        if caller is not None and caller.instance is not None:
            caller.instance["post"] = self.state(caller.frame.f_locals)
            caller.instance = None
        self.active = _Frame(self, frame, caller)
        return self.active.on_event

    def result(self, error, events_cap_hit):
        kept = self.head + list(self.tail)
        for instance in kept:
            instance["line"] = instance["lines"][0]
            instance["lines"] = self.blocks.text(instance["lines"])
        return {"blocks": kept, "total_blocks": self.total, "omitted_blocks": self.total - len(kept),
                "events": self.events, "truncated_events": events_cap_hit, "error": error}


class _Frame:
    """Local tracer of one frame: its current block and block instance."""

    __slots__ = ("recorder", "frame", "function", "caller", "block", "instance", "raising")

    def __init__(self, recorder, frame, caller):
        self.recorder, self.frame, self.function, self.caller = recorder, frame, frame.f_code.co_name, caller
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
                recorder.truncated = True
                sys.settrace(None)
                return None
            recorder.active = self
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
        elif event == "return":
            if self.instance is not None:
                if self.raising is not None:
                    extra = {"_exception": self.raising}
                else:
                    extra = {"_ret": recorder.repr.render(arg)} if self.function != "<module>" else None
                self.instance["post"] = recorder.state(frame.f_locals, extra)
                self.instance = None
            caller = recorder.active = self.caller
            self.frame = self.caller = None  # frees the frame (and its locals) now, not at the next cyclic GC
            if caller is not None:  # the caller resumes mid-line: a continuation of its interrupted block
                caller.instance = recorder.open(caller.function, caller.frame.f_lineno, recorder.state(caller.frame.f_locals))
        return self.on_event


def _message(exc):
    try:
        return str(exc)
    except Exception:  # a user exception whose __str__ fails
        return "?"


def _exception_text(exc, limit):
    message = _message(exc)
    text = type(exc).__name__ + (": " + message if message else "")
    return text if len(text) <= limit else text[:limit] + "..."


def _describe(exc, limit):
    """Type, message and the solution.py line (and function) where `exc` was raised."""
    line = function = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == SOLUTION_FILE:
            line, function = tb.tb_lineno, tb.tb_frame.f_code.co_name
        tb = tb.tb_next
    return {"type": type(exc).__name__, "message": _message(exc)[:limit], "line": line, "function": function}


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
        finally:
            sys.settrace(None)
        return recorder.result(error, recorder.truncated)

    return hook
