"""Intent comments and selections in any text document: where the user wrote what to generate.

An intent comment is a comment whose text starts with the marker `anrf:`:

    # anrf: a function that returns the largest number in a list      (Python, shell, YAML, ...)
    // anrf: reverse a string                                          (JS/TS, Go, Rust, C, ...)
    -- anrf: sum of a list, in O(n) time                               (Lua, SQL, Haskell)
    /* anrf: ... */   <!-- anrf: ... -->   --[[ anrf: ... ]]           (block comments)

A line comment continues on the following comment lines of the same kind until a blank comment
line, a line that is not a comment, or a new `anrf:` marker; a block comment runs to its end.
In plain text and Markdown a line that starts with `anrf:` is an intent too (to the end of its
paragraph). Any non-empty selection is an intent as well (its comment syntax stripped).

The finder is a scanner for the marker, not a parser of each language: a marker inside a string
literal that looks like a comment can be taken for one. It never raises, and its ranges lie
inside the text (code-point offsets, as everywhere in `anrf_lsp.language`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

MARKER = re.compile(r"\banrf:", re.IGNORECASE)
MAX_INTENTS = 200  # per document: more markers than this is not a document of requests
MAX_INTENT_CHARS = 4000  # what intent analysis reads at most (models.intent.MAX_ANALYZED_CHARS)
BLOCK_LOOKBACK = 65_536  # a block comment opened further back than this before its marker is not looked for
_EXTRA_OPENER_CHARS = "!/#*-;%"  # `///`, `//!`, `##`, `---`, `;;`: doc-comment flavours of an opener


@dataclass(frozen=True, slots=True)
class CommentStyle:
    line: tuple[str, ...] = ()  # line-comment openers
    block: tuple[tuple[str, str], ...] = ()  # (open, close)
    bare: bool = False  # a line starting with `anrf:` is an intent (prose documents)


HASH = CommentStyle(line=("#",))
C_LIKE = CommentStyle(line=("//",), block=(("/*", "*/"),))
HTML = CommentStyle(block=(("<!--", "-->"),))
ANY = CommentStyle(line=("#", "//", "--", ";", "%"), block=(("/*", "*/"), ("<!--", "-->"), ("--[[", "]]"), ("{-", "-}")), bare=True)

_BY_LANGUAGE: dict[str, CommentStyle] = {
    **dict.fromkeys(
        ("python", "shellscript", "sh", "bash", "zsh", "fish", "ruby", "perl", "r", "yaml", "toml", "dockerfile", "makefile",
         "cmake", "elixir", "julia", "nim", "crystal", "coffeescript", "graphql", "properties", "gitignore", "nix", "tcl"),
        HASH,
    ),
    **dict.fromkeys(
        ("javascript", "javascriptreact", "typescript", "typescriptreact", "go", "rust", "c", "cpp", "csharp", "java", "kotlin",
         "swift", "scala", "dart", "objective-c", "objective-cpp", "groovy", "zig", "proto", "jsonc", "scss", "less", "solidity",
         "v", "d", "glsl", "hlsl", "cuda-cpp"),
        C_LIKE,
    ),
    "php": CommentStyle(line=("//", "#"), block=(("/*", "*/"),)),
    "css": CommentStyle(block=(("/*", "*/"),)),
    "lua": CommentStyle(line=("--",), block=(("--[[", "]]"),)),
    "sql": CommentStyle(line=("--",), block=(("/*", "*/"),)),
    **dict.fromkeys(("haskell", "elm", "purescript"), CommentStyle(line=("--",), block=(("{-", "-}"),))),
    "ada": CommentStyle(line=("--",)),
    "powershell": CommentStyle(line=("#",), block=(("<#", "#>"),)),
    **dict.fromkeys(("clojure", "lisp", "scheme", "racket", "commonlisp", "ini", "asm"), CommentStyle(line=(";",))),
    **dict.fromkeys(("latex", "tex", "erlang", "matlab", "octave"), CommentStyle(line=("%",))),
    **dict.fromkeys(("ocaml", "fsharp", "pascal"), CommentStyle(line=("//",), block=(("(*", "*)"),))),
    **dict.fromkeys(("html", "xml", "svg", "vue", "svelte", "astro"), HTML),
    **dict.fromkeys(("markdown", "mdx", "restructuredtext", "asciidoc"), CommentStyle(block=(("<!--", "-->"),), bare=True)),
    **dict.fromkeys(("plaintext", "text", ""), ANY),
}

_BY_EXTENSION: dict[str, str] = {
    "py": "python", "pyi": "python", "sh": "shellscript", "bash": "shellscript", "zsh": "shellscript", "fish": "fish", "rb": "ruby",
    "pl": "perl", "r": "r", "yml": "yaml", "yaml": "yaml", "toml": "toml", "js": "javascript", "mjs": "javascript",
    "cjs": "javascript", "jsx": "javascriptreact", "ts": "typescript", "mts": "typescript", "cts": "typescript",
    "tsx": "typescriptreact", "go": "go", "rs": "rust", "c": "c", "h": "c", "cc": "cpp", "cpp": "cpp", "cxx": "cpp", "hpp": "cpp",
    "cs": "csharp", "java": "java", "kt": "kotlin", "kts": "kotlin", "swift": "swift", "scala": "scala", "dart": "dart",
    "php": "php", "css": "css", "scss": "scss", "less": "less", "lua": "lua", "sql": "sql", "hs": "haskell", "elm": "elm",
    "ps1": "powershell", "clj": "clojure", "lisp": "lisp", "scm": "scheme", "ini": "ini", "tex": "latex", "erl": "erlang",
    "m": "matlab", "ml": "ocaml", "fs": "fsharp", "html": "html", "htm": "html", "xml": "xml", "vue": "vue", "svelte": "svelte",
    "md": "markdown", "markdown": "markdown", "mdx": "mdx", "rst": "restructuredtext", "txt": "plaintext", "zig": "zig",
    "proto": "proto", "ex": "elixir", "exs": "elixir", "jl": "julia", "nim": "nim", "tf": "hcl", "dockerfile": "dockerfile",
}


@dataclass(frozen=True, slots=True)
class Intent:
    """One request: `text` is what intent analysis reads (markers and comment syntax stripped);
    [start, end) is the comment (or selection) it came from."""

    start: int
    end: int
    text: str
    kind: str = "comment"  # or "selection"


def style_for(language_id: str | None = None, uri: str | None = None) -> CommentStyle:
    """The comment syntax of a document: by its language id, else by its file extension, else every common one."""
    if language_id and language_id.lower() in _BY_LANGUAGE:
        return _BY_LANGUAGE[language_id.lower()]
    if uri:
        name = uri.rsplit("/", 1)[-1].split("?", 1)[0].lower()
        ext = name.rsplit(".", 1)[-1] if "." in name else name
        language = _BY_EXTENSION.get(ext)
        if language is not None:
            return _BY_LANGUAGE.get(language, ANY)
    return ANY


def clean(text: str) -> str:
    """Whitespace collapsed to single spaces, ends stripped, at most MAX_INTENT_CHARS."""
    return " ".join(text.split())[:MAX_INTENT_CHARS]


def find_intents(text: str, style: CommentStyle = ANY, limit: int = MAX_INTENTS) -> list[Intent]:
    """The intent comments of a document, in order (at most `limit`)."""
    found: list[Intent] = []
    covered = 0  # end of the last intent: markers inside it are part of its text
    for m in MARKER.finditer(text):
        if len(found) >= limit:
            break
        if m.start() < covered:
            continue
        intent = _block_intent(text, m, style) or _line_intent(text, m, style) or _bare_intent(text, m, style)
        if intent is not None:
            found.append(intent)
            covered = intent.end
    return found


def intent_at(intents: list[Intent], text: str, offset: int) -> Intent | None:
    """The intent whose lines include `offset` (a cursor anywhere on a comment's lines counts)."""
    for intent in intents:
        if line_start(text, intent.start) <= offset <= line_end(text, max(intent.start, intent.end - 1)):
            return intent
    return None


def selection_intent(text: str, start: int, end: int, style: CommentStyle = ANY) -> Intent | None:
    """The intent a non-empty selection holds: its text, with comment syntax stripped when it is a comment."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    if end <= start:
        return None
    selected = text[start:end]
    if not selected.strip():
        return None
    words = clean(_strip_marker(strip_comment_syntax(selected, style)))
    return Intent(start, end, words, "selection") if words else None


def strip_comment_syntax(text: str, style: CommentStyle = ANY) -> str:
    """`text` without comment openers and closers at line starts and ends (and a block's leading `*`)."""
    openers = sorted({*style.line, *(o for o, _ in style.block)}, key=len, reverse=True)
    closers = sorted({c for _, c in style.block}, key=len, reverse=True)
    lines = []
    for line in text.split("\n"):
        line = line.strip()
        for opener in openers:
            if line.startswith(opener):
                line = line[len(opener) :].lstrip(_EXTRA_OPENER_CHARS if opener in style.line else "*").strip()
                break
        else:
            if any(o == "/*" for o, _ in style.block) and line.startswith("*") and not line.startswith("*/"):
                line = line.lstrip("*").strip()
        for closer in closers:
            if line.endswith(closer):
                line = line[: -len(closer)].rstrip()
                break
        lines.append(line)
    return "\n".join(lines)


def line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, max(0, offset)) + 1


def line_end(text: str, offset: int) -> int:
    end = text.find("\n", max(0, offset))
    return len(text) if end < 0 else end


# -- the three shapes ------------------------------------------------------------------


def _block_intent(text: str, m: re.Match[str], style: CommentStyle) -> Intent | None:
    """A marker at the start of a block comment's content, or at the start of one of its lines."""
    for opener, closer in sorted(style.block, key=lambda b: len(b[0]), reverse=True):
        floor = max(0, m.start() - BLOCK_LOOKBACK)
        opened = text.rfind(opener, floor, m.start())
        if opened < 0 or text.find(closer, opened + len(opener), m.start()) >= 0:
            continue  # not inside a comment of this kind
        before = text[opened + len(opener) : m.start()]
        lead = before[before.rfind("\n") + 1 :]
        if lead.strip(" \t*"):
            continue  # the marker is not where the comment's text starts
        closed = text.find(closer, m.end())
        if closed < 0:  # unterminated (being typed): to the end of the paragraph
            end = _paragraph_end(text, m.end())
            body = text[m.end() : end]
        else:
            end = closed + len(closer)
            body = text[m.end() : closed]
        words = clean(strip_comment_syntax(body, CommentStyle(block=((opener, closer),))))
        return Intent(opened, end, words) if words else None
    return None


@cache
def _line_pattern(opener: str) -> re.Pattern[str]:
    extra = re.escape(_EXTRA_OPENER_CHARS)
    return re.compile(rf"^(?P<before>.*?)(?P<open>{re.escape(opener)})[{extra}]*[ \t]*$")


@cache
def _continuation_pattern(opener: str) -> re.Pattern[str]:
    extra = re.escape(_EXTRA_OPENER_CHARS)
    return re.compile(rf"^[ \t]*{re.escape(opener)}[{extra}]*(?P<rest>.*)$")


def _line_intent(text: str, m: re.Match[str], style: CommentStyle) -> Intent | None:
    """`<opener> anrf: ...` as a whole-line or trailing comment, continued on the next comment lines."""
    start_of_line = line_start(text, m.start())
    prefix = text[start_of_line : m.start()]
    for opener in sorted(style.line, key=len, reverse=True):
        found = _line_pattern(opener).match(prefix)
        if found is None:
            continue
        before = found.group("before")
        if before.strip() and not (before[-1] in " \t" and _outside_strings(before)):
            continue  # part of an expression or a string, not a trailing comment
        first_end = line_end(text, m.end())
        parts, end = [text[m.end() : first_end]], first_end
        continuation = _continuation_pattern(opener)
        while end < len(text):
            next_end = line_end(text, end + 1)
            line = text[end + 1 : next_end]
            more = continuation.match(line)
            if more is None or not more.group("rest").strip() or MARKER.match(more.group("rest").strip()):
                break
            if any(line.lstrip().startswith(o) for o, _ in style.block if len(o) > len(opener)):
                break  # e.g. Lua's `--[[` opens a block
            parts.append(more.group("rest"))
            end = next_end
        words = clean(" ".join(parts))
        return Intent(start_of_line + found.start("open"), end, words) if words else None
    return None


def _bare_intent(text: str, m: re.Match[str], style: CommentStyle) -> Intent | None:
    """Prose documents: a line that starts with `anrf:`, to the end of its paragraph."""
    if not style.bare or text[line_start(text, m.start()) : m.start()].strip():
        return None
    end = _paragraph_end(text, m.end())
    words = clean(text[m.end() : end])
    return Intent(m.start(), end, words) if words else None


def _paragraph_end(text: str, offset: int) -> int:
    """The end of the last non-blank line of the paragraph `offset` is in."""
    end = line_end(text, offset)
    while end < len(text):
        next_end = line_end(text, end + 1)
        if not text[end + 1 : next_end].strip():
            break
        end = next_end
    return end


def _outside_strings(code: str) -> bool:
    """Whether the end of `code` is outside string literals (an even count of each quote)."""
    return code.count('"') % 2 == 0 and code.count("'") % 2 == 0 and code.count("`") % 2 == 0


def _strip_marker(text: str) -> str:
    stripped = text.lstrip()
    found = MARKER.match(stripped)
    return stripped[found.end() :] if found else text
