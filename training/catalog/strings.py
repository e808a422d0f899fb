"""String transforms and measures. Words are separated by runs of whitespace
(Python's `str.split()`, which is also what the `split` operation does without a
separator); every behaviour accepts the empty string."""

from __future__ import annotations

from anrf_lsp.program.builder import Function, Ref

from .common import WORDS, function, letters, returning, sentence, words

VOWELS = "aeiouAEIOU"



def count_vowels_body(f: Function, text: Ref) -> None:
    count = f.var("count", "int", 0)
    with f.for_each(text, "ch") as ch, f.if_(f.contains(VOWELS, ch)):
        f.set(count, f.add(count, 1))
    f.return_(count)


def capitalize_words_body(f: Function, text: Ref) -> None:
    parts = f.var("parts", "list[str]", [])
    with f.for_each(f.split(text), "word") as word:
        f.do(f.list_append(parts, f.concat(f.upper(f.slice(word, 0, 1)), f.lower(f.slice(word, 1)))))
    f.return_(f.join(parts, " "))


def is_palindrome_body(f: Function, text: Ref) -> None:
    clean = f.var("clean", "str", f.replace(f.lower(text), " ", ""))
    f.return_(f.eq(clean, f.reverse(clean)))


def _is_palindrome(text: str) -> bool:
    clean = text.lower().replace(" ", "")
    return clean == clean[::-1]


def _acronym_body(f: Function, text: Ref) -> None:
    letters_ = f.var("letters", "str", "")
    with f.for_each(f.split(text), "word") as word:
        f.set(letters_, f.add(letters_, f.upper(f.index(word, 0))))  # split() never gives empty words
    f.return_(letters_)


def _count_char_body(f: Function, text: Ref, char: Ref) -> None:
    count = f.var("count", "int", 0)
    with f.for_each(text, "ch") as ch, f.if_(f.eq(ch, char)):
        f.set(count, f.add(count, 1))
    f.return_(count)


def word_count_body(f: Function, text: Ref) -> None:
    f.return_(f.len(f.split(text)))


def _texts(rng) -> list[list]:
    return [[""], [" "], ["a"], ["Never odd or even"], ["  hello   world  "], ["ÉCOLE été"], *([sentence(rng)] for _ in range(3))]


def _palindromes(rng) -> list[list]:
    out = [[""], ["a"], ["Racecar"], ["never odd or even"], ["abca"], ["ab ba"]]
    for _ in range(3):
        w = rng.choice(WORDS)
        out.append([w + w[::-1] if rng.random() < 0.5 else w])
    return out


def _words_and_sep(rng) -> list[list]:
    return [[[], ", "], [["a"], "-"], [["x", "", "y"], ""], *([words(rng), rng.choice((" ", ", ", "-", ""))] for _ in range(4))]


def _csv(rng) -> list[list]:
    return [[""], [","], ["a,b,,c"], ["one"], *([",".join(words(rng))] for _ in range(3))]


def _text_and_count(rng) -> list[list]:
    return [["", 3], ["ab", 0], ["ab", -1], ["xy", 1], *([rng.choice(WORDS), rng.randint(0, 4)] for _ in range(3))]


def _text_and_char(rng) -> list[list]:
    out = [["", "a"], ["banana", "a"], ["banana", "z"], ["Aa", "a"], ["abc", ""]]
    for _ in range(3):
        text = letters(rng, rng.randint(0, 12))
        out.append([text, rng.choice(text) if text else "e"])
    return out


BEHAVIOURS = [
    function(
        "reverse_string", "string", "reverse_string", "text: str", "str",
        "Return a string with its characters in reverse order.",
        ("reverse a string", "return the characters of a text backwards", "flip the order of the letters in a string",
         "produce the reversed version of a text"),
        returning(lambda f, t: f.reverse(t)), lambda t: t[::-1], _texts, tags=("string",),
    ),
    function(
        "to_upper", "string", "to_uppercase", "text: str", "str",
        "Return a string converted to upper case.",
        ("convert a string to upper case", "make every letter of a text a capital", "uppercase a string",
         "turn a text into capital letters"),
        returning(lambda f, t: f.upper(t)), str.upper, _texts, tags=("string",),
    ),
    function(
        "to_lower", "string", "to_lowercase", "text: str", "str",
        "Return a string converted to lower case.",
        ("convert a string to lower case", "make every letter of a text small", "lowercase a string",
         "turn a text into lower-case letters"),
        returning(lambda f, t: f.lower(t)), str.lower, _texts, tags=("string",),
    ),
    function(
        "count_vowels", "string", "count_vowels", "text: str", "int",
        "Count the vowels (a, e, i, o, u in either case) in a string.",
        ("count the vowels in a string", "find how many vowels a text contains", "tally the vowel letters of a word",
         "return the number of vowels in a sentence"),
        count_vowels_body, lambda t: sum(1 for c in t if c in VOWELS), _texts, tags=("string",),
    ),
    function(
        "capitalize_words", "string", "capitalize_words", "text: str", "str",
        "Capitalize the first letter of every word and lower-case the rest, joining the words with single spaces.",
        ("capitalize each word of a sentence", "convert a string to title case", "make the first letter of every word upper case",
         "title-case the words of a text"),
        capitalize_words_body, lambda t: " ".join(w[:1].upper() + w[1:].lower() for w in t.split()), _texts, tags=("string",),
    ),
    function(
        "is_palindrome", "string", "is_palindrome", "text: str", "bool",
        "Tell whether a string reads the same backwards, ignoring case and spaces.",
        ("check whether a string is a palindrome", "test if a text reads the same forwards and backwards",
         "determine whether a word is a palindrome ignoring case", "detect palindromic strings"),
        is_palindrome_body, _is_palindrome, _palindromes, tags=("string", "validation"),
    ),
    function(
        "word_count", "string", "word_count", "text: str", "int",
        "Count the words in a string (separated by whitespace).",
        ("count the words in a string", "find how many words a sentence has", "return the number of words in a text",
         "tally the whitespace-separated words of a string"),
        word_count_body, lambda t: len(t.split()), _texts, tags=("string",),
    ),
    function(
        "strip_whitespace", "string", "trim", "text: str", "str",
        "Remove leading and trailing whitespace from a string.",
        ("trim the whitespace around a string", "strip leading and trailing spaces from a text",
         "remove surrounding blanks from a string", "clean the padding off both ends of a text"),
        returning(lambda f, t: f.strip(t)), str.strip, _texts, tags=("string",),
    ),
    function(
        "join_words", "string", "join_words", "words: list[str], separator: str", "str",
        "Join a list of strings into one string with a separator between them.",
        ("join a list of words with a separator", "concatenate strings with a delimiter between them",
         "combine an array of strings into a single text", "glue words together using a separator"),
        returning(lambda f, ws, sep: f.join(ws, sep)), lambda ws, sep: sep.join(ws), _words_and_sep, tags=("string", "list"),
    ),
    function(
        "split_csv", "string", "split_csv", "line: str", "list[str]",
        "Split a line of comma-separated values into its fields.",
        ("split a comma-separated line into fields", "break a CSV string into a list of values",
         "separate a text on commas", "parse the comma-delimited parts of a line"),
        returning(lambda f, line: f.split(line, ",")), lambda line: line.split(","), _csv, tags=("string", "parsing"),
    ),
    function(
        "remove_spaces", "string", "remove_spaces", "text: str", "str",
        "Return a string with every space removed.",
        ("remove all the spaces from a string", "delete every blank character in a text", "strip out the spaces inside a string",
         "squeeze the spaces out of a text"),
        returning(lambda f, t: f.replace(t, " ", "")), lambda t: t.replace(" ", ""), _texts, tags=("string",),
    ),
    function(
        "repeat_string", "string", "repeat_string", "text: str, times: int", "str",
        "Return a string repeated a number of times (empty for zero or fewer).",
        ("repeat a string a number of times", "concatenate a text with itself n times", "build a string by repeating a word",
         "duplicate a piece of text several times"),
        returning(lambda f, t, n: f.repeat(t, n)), lambda t, n: t * max(n, 0), _text_and_count, tags=("string",),
    ),
    function(
        "acronym", "string", "acronym", "text: str", "str",
        "Build an acronym from the upper-cased first letters of the words of a string.",
        ("build an acronym from a phrase", "take the first letter of each word in capitals", "abbreviate a phrase into its initials",
         "make an acronym out of a sentence"),
        _acronym_body, lambda t: "".join(w[:1].upper() for w in t.split()), _texts, tags=("string",),
    ),
    function(
        "count_char", "string", "count_character", "text: str, char: str", "int",
        "Count how many times a character occurs in a string (case-sensitive).",
        ("count the occurrences of a character in a string", "find how many times a letter appears in a text",
         "tally a given character in a word", "return how often a symbol occurs in a string"),
        _count_char_body, lambda t, c: sum(1 for x in t if x == c), _text_and_char, tags=("string",),
    ),
]
