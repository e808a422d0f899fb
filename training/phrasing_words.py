"""Word tables for the phrasing generator (training/phrasing.py): synonyms, type
surfaces, random-name parts, constraint phrases and out-of-scope texts.

Data only, kept apart so the generator reads as logic. None of these words may
trigger the constraint parser on its own (tests/test_training_phrasing.py checks
the whole generated set)."""

from __future__ import annotations

# The tables read better packed than one word a line.
# fmt: off

# -- request words ------------------------------------------------------------------------------

WRITE = ("Write", "Create", "Implement", "Make", "Build", "Add", "Code", "Generate", "Give me", "Define")

# nouns per behaviour kind, with and without an article
A_NOUN = {
    "function": ("a function", "a helper function", "a small function", "a func", "a routine", "a utility function",
                 "a helper", "a method"),
    "class": ("a class", "a small class", "a simple class", "a class type", "a reusable class"),
    "module": ("a module", "a utility module", "a small module", "a helper module", "a library module"),
}
NOUN = {
    "function": ("function", "helper", "func", "routine", "method"),
    "class": ("class", "type"),
    "module": ("module", "library", "package"),
}

NAMED = (" called `{}`", " called {}", " named {}", " named `{}`", " `{}`", " with the name {}", " (call it {})")
# a name after the task: "// TODO: clamp x to [lo, hi] (`clamp_value`)"
CALLED = (" (`{}`)", " -> {}", " — name it {}", " as `{}`", ", call it {}", " in {}()")

ROLES = ("user", "developer", "data analyst", "teacher", "student", "maintainer", "backend engineer", "researcher",
         "product manager", "tester", "game designer", "site admin")
BENEFITS = ("I can reuse it", "I don't have to do it by hand", "my reports are correct", "the code stays clean",
            "I save time", "the team can rely on it", "we avoid copy-paste", "I can test it easily",
            "the numbers add up", "the dashboard shows the right thing")
# optional openers for the short templates (and out-of-scope texts)
OPENERS = ("hey, ", "ok so ", "quick one: ", "hi! ", "hmm, ", "so ", "alright, ", "one more thing: ", "next: ", "also, ")
WHO = ("alice", "bob", "sam", "kim", "lee", "jo", "pat", "ana", "raj", "mei", "tom", "eva")

# params: (singular lead, plural lead); returns: leads after / without a params clause
TAKES = ((" that takes ", " that takes "), (" with parameter ", " with parameters "), (" with argument ", " with arguments "),
         (" taking ", " taking "), (" which accepts ", " which accepts "), (" given ", " given "))
RETURNS_AFTER_TAKES = (" and returns ", ", returning ", " and gives back ", " and outputs ")
RETURNS_ALONE = (" returning ", ", returning ", " which returns ", " giving back ")

# -- types --------------------------------------------------------------------------------------

# prose surfaces (article, words) and code surfaces, per type of behaviour.TYPES
PROSE_TYPES = {
    "int": (("an ", "int"), ("an ", "integer"), ("a ", "whole number")),
    "float": (("a ", "float"), ("a ", "floating-point number"), ("a ", "double")),
    "number": (("a ", "number"), ("a ", "numeric value")),
    "str": (("a ", "string"), ("a ", "str"), ("a ", "piece of text")),
    "bool": (("a ", "bool"), ("a ", "boolean"), ("a ", "true/false value")),
    "list[int]": (("a ", "list of integers"), ("a ", "list of ints"), ("a ", "list[int]"), ("an ", "array of integers")),
    "list[float]": (("a ", "list of floats"), ("a ", "list[float]"), ("an ", "array of floats")),
    "list[number]": (("a ", "list of numbers"), ("a ", "list[number]"), ("an ", "array of numbers")),
    "list[str]": (("a ", "list of strings"), ("a ", "list[str]"), ("an ", "array of strings")),
    "any": (("an ", "object"), ("a ", "value of any type"), ("an ", "any")),
}
CODE_TYPES = {
    "int": ("int", "int", "integer", "Int"),
    "float": ("float", "float", "double"),
    "number": ("number", "num"),
    "str": ("str", "str", "string", "String"),
    "bool": ("bool", "bool", "boolean"),
    "list[int]": ("list[int]", "List[int]", "int[]"),
    "list[float]": ("list[float]", "List[float]", "float[]"),
    "list[number]": ("list[number]", "number[]"),
    "list[str]": ("list[str]", "List[str]", "string[]"),
    "any": ("any", "Any", "object"),
}

# -- random names -------------------------------------------------------------------------------

NAME_VERBS = ("get", "compute", "calc", "find", "make", "build", "eval", "process", "run", "do", "pick", "fetch", "derive",
              "collect", "resolve", "apply", "gen", "load", "scan")
NAME_ADJECTIVES = ("fast", "simple", "basic", "my", "new", "tiny", "smart", "quick", "clean", "main", "core", "extra", "raw")
NAME_NOUNS = ("value", "result", "item", "thing", "data", "number", "total", "score", "entry", "record", "answer", "output",
              "stuff", "token", "metric", "field", "amount", "piece", "blob", "key")
CLASS_SUFFIXES = ("Store", "Box", "Holder", "Manager", "Tracker", "Registry", "Buffer", "Keeper", "Bag", "Container", "Pool",
                  "Ledger", "Book", "Table")
MODULE_SUFFIXES = ("utils", "tools", "helpers", "lib", "kit", "ops", "funcs", "core", "misc")

PARAM_NAMES = {
    "int": ("n", "k", "count", "size", "idx", "num", "limit", "step", "width", "amount", "m", "i"),
    "float": ("x", "y", "value", "ratio", "rate", "factor", "weight", "score", "t"),
    "number": ("x", "y", "value", "num", "amount", "qty", "a", "b"),
    "str": ("s", "text", "word", "line", "label", "msg", "source", "phrase", "raw"),
    "bool": ("flag", "enabled", "strict", "verbose", "active"),
    "list[str]": ("words", "names", "lines", "tokens", "strings", "parts", "labels"),
    "list": ("items", "values", "nums", "xs", "data", "arr", "seq", "elements", "entries", "vals"),
    "any": ("obj", "item", "val", "thing", "target", "elem", "x"),
}

# -- constraints --------------------------------------------------------------------------------
# One group per kind of requirement; [brackets] mark the span the parser finds. Groups with
# numbers are generated in phrasing.py (time, memory, version). kinds: f function, c class, m module.

FIXED_CONSTRAINTS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    # (group, kinds, type, formal_spec, surfaces)
    ("complexity", "fc", "performance", "O(1)", ("in [O(1)]", "in [O(1) time]", "in [constant time]", "with [O(1) time complexity]")),
    ("complexity", "fc", "performance", "O(log n)", ("in [O(log n)]", "in [O(log n) time]", "in [logarithmic time]", "in [O(lg n)]")),
    ("complexity", "f", "performance", "O(n)", ("in [O(n)]", "in [O(n) time]", "in [linear time]", "in [a single pass]",
                                                "with [O(N) complexity]", "running in [O(n)]")),
    ("complexity", "f", "performance", "O(n log n)", ("in [O(n log n)]", "in [O(n log n) time]", "in [O(nlogn)]")),
    ("complexity", "f", "performance", "O(n^2)", ("in [O(n^2)]", "in [O(n²) time] at most", "[no worse than quadratic time]")),
    ("space", "f", "resource", "space=O(1)", ("using [O(1) extra space]", "with [constant extra memory]", "in [constant space]")),
    ("space", "f", "resource", "space=O(n)", ("using [O(n) space]", "with [linear extra space]")),
    ("empty", "f", "safety", "handles_empty", ("[handle empty input]", "[handles empty inputs gracefully]",
                                               "must [never crash on empty input]", "[working with empty input]")),
    ("null", "fcm", "safety", "null_safe", ("must [never crash on null]", "[handle None values]", "[handling null inputs gracefully]",
                                            "being [null-safe]", "[must not fail on missing values]")),
    ("bounds", "fc", "safety", "bounds_checked", ("[check bounds]", "with [bounds checking]", "[never index out of range]",
                                                  "[no out-of-bounds access]")),
    ("network", "fcm", "security", "no_network", ("with [no network access]", "it [must not touch the network]",
                                                  "[never access the internet]", "[without making network calls]", "[offline-only]")),
    ("filesystem", "fcm", "security", "no_filesystem", ("it [must not touch the file system]", "[no file system access]",
                                                        "[without writing to disk]", "[never open files]")),
    ("validate", "fcm", "security", "validates_input", ("it must [validate all inputs]", "[validating user input]",
                                                        "with [input validation]", "[sanitize its inputs]")),
    ("eval", "fcm", "security", "no_eval", ("[never use eval]", "[no eval]")),
    ("stdlib", "fcm", "compatibility", "stdlib_only", ("[standard library only]", "using [only the standard library]",
                                                       "with [no third-party dependencies]", "[without external libraries]")),
    ("deterministic", "fcm", "reliability", "deterministic", ("must be [deterministic]", "[deterministic]", "it has to be [deterministic]")),
    ("raise", "fcm", "reliability", "no_raise", ("[never raise]", "it should [never throw]", "[must not raise exceptions]",
                                                 "[without raising errors]")),
    ("thread", "fc", "reliability", "thread_safe", ("must be [thread-safe]", "[thread safe]", "[safe to call from multiple threads]")),
    ("pure", "f", "reliability", "pure", ("with [no side effects]", "as a [pure function]", "[side-effect free]")),
    ("mutation", "f", "reliability", "no_input_mutation", ("[without modifying the input]", "it [must not mutate its arguments]")),
    ("idempotent", "fc", "reliability", "idempotent", ("[idempotent]", "it must be [idempotent]")),
)
# empty-input phrases that name the parameter's kind ("handle empty lists")
EMPTY_BY_TYPE = {
    "list": ("[handle empty lists]", "[handles empty lists gracefully]", "[works on empty arrays]", "[handling an empty list]"),
    "str": ("[handle empty strings]", "[works with an empty string]", "[must not crash on empty strings]"),
}
CONSTRAINT_WEIGHTS = {"complexity": 6, "time": 2, "memory": 2, "version": 2, "empty": 3}  # others weigh 1
CONSTRAINT_LEADS = (", ", "; ", " — ", ", and ", ", ")
CONSTRAINT_JOINERS = (" and ", ", ", "; ", " and also ")

TIME_VALUES = {"ms": (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500), "s": (1, 2, 3, 5, 10, 30), "us": (10, 50, 100, 500)}
TIME_UNITS = {"ms": ("ms", "ms", "milliseconds"), "s": ("s", "seconds", "sec"), "us": ("µs", "us", "microseconds")}
TIME_BUDGETS = ("under", "within", "in under", "in less than", "at most", "no more than", "less than")
TIME_LEADS = ("running ", "finishing ", "returning ", "responding ", "completing ", "")
MEMORY_VALUES = (1, 2, 4, 8, 10, 16, 32, 50, 64, 100, 128, 256, 512)
MEMORY_UNITS = (("KB", "KB"), ("MB", "MB"), ("GB", "GB"), ("kB", "KB"), ("KiB", "KiB"), ("MiB", "MiB"),
                ("megabytes", "MB"), ("kilobytes", "KB"))
MEMORY_BUDGETS = ("at most", "no more than", "under", "less than", "within", "up to")
MEMORY_TAILS = ("", " of memory", " of RAM", " memory")
MEMORY_LEADS = ("using ", "", "consuming ", "taking ")
VERSION_LEADS = ("compatible with ", "running on ", "targeting ", "for ", "that works on ")

# -- out of scope -------------------------------------------------------------------------------
# (id, pattern) with {slot}s filled from OOS_SLOTS: chit-chat and requests this tool does not serve.

OUT_OF_SCOPE_PATTERNS = (
    ("oos_weather", "what's the weather {when} in {city}?"),
    ("oos_rain", "will it rain in {city} {when}?"),
    ("oos_thanks", "{thanks}"),
    ("oos_greeting", "{greeting}"),
    ("oos_css", "refactor the CSS for the {page} page"),
    ("oos_style", "make the {ui} on the {page} page {color}"),
    ("oos_git_explain", "explain git {git}"),
    ("oos_git_diff", "what's the difference between git {git} and git {git2}?"),
    ("oos_joke", "tell me a joke about {topic}"),
    ("oos_poem", "write a poem about {topic}"),
    ("oos_translate", "translate '{saying}' into {language}"),
    ("oos_meeting", "book a meeting with {person} {when}"),
    ("oos_reminder", "remind me to {chore} {when}"),
    ("oos_time", "what time is it in {city}?"),
    ("oos_recommend", "recommend a {media} about {topic}"),
    ("oos_install", "how do I install {software} on {os}?"),
    ("oos_readme", "update the README {doc_part}"),
    ("oos_typo", "fix the typo in the {doc}"),
    ("oos_laptop", "why is my {device} so slow?"),
    ("oos_music", "play some {genre} music"),
    ("oos_trivia", "who won the {event} {year}?"),
    ("oos_explain", "explain {concept} like I'm five"),
    ("oos_summary", "summarize this {doc} for me"),
    ("oos_opinion", "what do you think about {topic}?"),
)
OOS_SLOTS = {
    "when": ("today", "tomorrow", "this weekend", "tonight", "next week", "on friday", "right now"),
    "city": ("Paris", "Berlin", "Tokyo", "Lagos", "Lima", "Oslo", "Austin", "Delhi", "Cairo", "Seattle", "Madrid", "Seoul"),
    "thanks": ("thanks!", "thank you so much", "thx", "cheers, that worked", "great, thanks for the help", "ty!!",
               "perfect, thank you", "awesome thanks", "ok thanks", "that's all, thanks", "nice one", "much appreciated"),
    "greeting": ("hi there", "good morning!", "hello?", "hey, how are you?", "yo", "how's it going", "good evening",
                 "hi, who are you?", "are you there?", "hey hey", "morning all", "what can you do?"),
    "page": ("login", "settings", "checkout", "profile", "landing", "pricing", "admin", "search", "about"),
    "ui": ("header", "footer", "buttons", "sidebar", "nav bar", "cards", "modal", "logo"),
    "color": ("blue", "darker", "bigger", "rounded", "sticky", "responsive", "centered", "look nicer"),
    "git": ("rebase", "cherry-pick", "stash", "bisect", "reflog", "merge", "reset", "worktree", "submodule"),
    "git2": ("merge", "pull", "fetch", "revert", "checkout", "switch", "restore"),
    "topic": ("cats", "pirates", "the ocean", "coffee", "autumn", "robots", "mondays", "space travel", "football",
              "dinosaurs", "jazz", "the moon"),
    "saying": ("good morning", "where is the station", "see you later", "I love this", "how much is it"),
    "language": ("French", "German", "Spanish", "Japanese", "Swahili", "Italian", "Korean"),
    "person": ("the design team", "Sarah", "my manager", "the client", "Dev", "HR", "the landlord"),
    "chore": ("buy milk", "call mom", "water the plants", "renew my passport", "pay rent", "stretch", "back up photos"),
    "media": ("book", "movie", "podcast", "documentary", "series", "board game"),
    "software": ("docker", "vim", "postgres", "homebrew", "zsh", "a printer driver", "steam", "chrome"),
    "os": ("ubuntu", "my mac", "windows", "arch", "a raspberry pi", "fedora"),
    "doc_part": ("badges", "install section", "screenshots", "license note", "table of contents", "contact info", "logo",
                 "quick start", "FAQ", "links"),
    "doc": ("README", "changelog", "contributing guide", "blog post", "release notes", "email", "slide deck"),
    "device": ("laptop", "phone", "wifi", "printer", "browser", "tablet"),
    "genre": ("jazz", "lo-fi", "rock", "classical", "reggae", "techno"),
    "event": ("world cup", "super bowl", "tour de france", "eurovision", "champions league"),
    "year": ("last year", "in 2018", "this year", "in 1998", "in 2010"),
    "concept": ("blockchain", "inflation", "quantum computing", "DNS", "photosynthesis", "compound interest", "kubernetes"),
}
